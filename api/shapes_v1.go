package api

import "sandbank/engine"

// Mono v1's shapes of an account (DESIGN §4.1, §5): GET /accounts/{id}'s body is
// account_updated's data, so a webhook and a fetch never disagree.

// accountView is GET /accounts/{id}'s body, and v1's account_updated data.
type accountView struct {
	Meta    accountMeta `json:"meta"`
	Account accountBody `json:"account"`
}

type accountMeta struct {
	DataStatus string `json:"data_status"`
	AuthMethod string `json:"auth_method"`
}

// accountBody is the account object of accountView; Balance is in kobo.
type accountBody struct {
	ID            string          `json:"_id"`
	Institution   institutionBody `json:"institution"`
	Name          string          `json:"name"`
	AccountNumber string          `json:"accountNumber"`
	Type          string          `json:"type"`
	Currency      string          `json:"currency"`
	Balance       int64           `json:"balance"`
	BVN           string          `json:"bvn"`
}

// institutionBody is how the API shows an institution (v1, v2's webhooks, the widget).
type institutionBody struct {
	Name     string `json:"name"`
	BankCode string `json:"bankCode"`
	Type     string `json:"type"`
}

func newInstitutionBody(i engine.Institution) institutionBody {
	return institutionBody{Name: i.Name, BankCode: i.Code, Type: i.Type}
}

// newAccountView shows an account as of its last successful sync (R1).
func newAccountView(a engine.AccountFacts) accountView {
	return accountView{
		Meta: accountMeta{DataStatus: a.DataStatus, AuthMethod: a.AuthMethod},
		Account: accountBody{ID: a.ID, Institution: newInstitutionBody(a.Institution), Name: a.Name,
			AccountNumber: a.Number, Type: a.Type, Currency: a.Currency, Balance: a.Balance, BVN: a.BVN},
	}
}
