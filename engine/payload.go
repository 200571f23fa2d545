package engine

import "encoding/json"

// The JSON shapes of Mono's v1 API that the webhooks carry (DESIGN §4.1, §5). The HTTP
// layer answers GET /accounts/{id} with the same AccountView, so a webhook and a fetch
// never disagree.

// AccountView is GET /accounts/{id}'s body, and account_updated's data.
type AccountView struct {
	Meta    AccountMeta `json:"meta"`
	Account AccountBody `json:"account"`
}

// AccountMeta is the meta object of AccountView.
type AccountMeta struct {
	DataStatus string `json:"data_status"`
	AuthMethod string `json:"auth_method"`
}

// AccountBody is the account object of AccountView; Balance is in kobo.
type AccountBody struct {
	ID            string          `json:"_id"`
	Institution   InstitutionBody `json:"institution"`
	Name          string          `json:"name"`
	AccountNumber string          `json:"accountNumber"`
	Type          string          `json:"type"`
	Currency      string          `json:"currency"`
	Balance       int64           `json:"balance"`
	BVN           string          `json:"bvn"`
}

// InstitutionBody is how the API shows an institution.
type InstitutionBody struct {
	Name     string `json:"name"`
	BankCode string `json:"bankCode"`
	Type     string `json:"type"`
}

// NewInstitutionBody shows an institution.
func NewInstitutionBody(i Institution) InstitutionBody {
	return InstitutionBody{Name: i.Name, BankCode: i.Code, Type: i.Type}
}

// NewAccountView shows an account as of its last successful sync (R1).
func NewAccountView(a Account) AccountView {
	return AccountView{
		Meta: AccountMeta{DataStatus: a.DataStatus, AuthMethod: a.AuthMethod},
		Account: AccountBody{
			ID:            a.ID,
			Institution:   NewInstitutionBody(a.Institution),
			Name:          a.Name,
			AccountNumber: a.Number,
			Type:          a.Type,
			Currency:      a.Currency,
			Balance:       a.Balance,
			BVN:           a.BVNLast4(),
		},
	}
}

type accountRef struct {
	ID string `json:"_id"`
}

type eventBody struct {
	Event string `json:"event"`
	Data  any    `json:"data"`
}

type accountRefData struct {
	Account accountRef `json:"account"`
}

type syncFailedData struct {
	Account accountRef `json:"account"`
	Code    string     `json:"code"`
	Message string     `json:"message"`
}

// payload renders the webhook body of an event about account a.
func payload(eventType string, a Account, code, message string) []byte {
	var data any
	switch eventType {
	case EventAccountConnected, EventAccountUpdated:
		data = NewAccountView(a)
	case EventSyncFailed:
		data = syncFailedData{Account: accountRef{a.ID}, Code: code, Message: message}
	default:
		data = accountRefData{Account: accountRef{a.ID}}
	}
	b, err := json.Marshal(eventBody{Event: eventType, Data: data})
	if err != nil {
		panic("engine: payload of plain structs cannot fail to marshal: " + err.Error())
	}
	return b
}
