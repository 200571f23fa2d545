// Package scenario drives sandbank the way its users do: an end user who connects or
// re-authorises an account through the widget, and the demo world of the first run.
package scenario

import (
	"context"
	"fmt"

	"sandbank/engine"
	"sandbank/simulator"
)

// Connect connects a customer's account at an institution through the widget, as
// the customer would, and exchanges the code: it returns the connected account.
func Connect(ctx context.Context, eng *engine.Engine, bank *simulator.Bank, customerID, institution string) (engine.Account, error) {
	c, err := bank.Customer(customerID)
	if err != nil {
		return engine.Account{}, err
	}
	st, err := eng.OpenWidget(ctx, engine.WidgetRequest{Institution: institution})
	if err != nil {
		return engine.Account{}, err
	}
	if st, err = eng.WidgetLogin(ctx, st.Session, c.Username, c.Password); err != nil {
		return engine.Account{}, err
	}
	if st, err = answerAll(ctx, eng, bank, customerID, st); err != nil {
		return engine.Account{}, err
	}
	return eng.ExchangeCode(ctx, st.Code)
}

// Reauthorise walks the reauth widget for an account with a fresh token, typing the
// customer's current password if the widget asks for it, and answering challenges.
func Reauthorise(ctx context.Context, eng *engine.Engine, bank *simulator.Bank, accountID string) error {
	a, err := eng.Account(ctx, accountID)
	if err != nil {
		return err
	}
	c, err := bank.Customer(a.CustomerID)
	if err != nil {
		return err
	}
	t, err := eng.RequestReauth(ctx, accountID)
	if err != nil {
		return err
	}
	st, err := eng.OpenWidget(ctx, engine.WidgetRequest{ReauthToken: t.Token})
	if err != nil {
		return err
	}
	if st.Status == engine.WidgetLogin {
		if st, err = eng.WidgetLogin(ctx, st.Session, c.Username, c.Password); err != nil {
			return err
		}
	}
	_, err = answerAll(ctx, eng, bank, a.CustomerID, st)
	return err
}

// answerAll answers challenges until the widget succeeds.
func answerAll(ctx context.Context, eng *engine.Engine, bank *simulator.Bank, customerID string, st engine.WidgetState) (engine.WidgetState, error) {
	for i := 0; st.Status == engine.WidgetChallenge; i++ {
		if i == 5 {
			return st, fmt.Errorf("the bank keeps asking challenges")
		}
		ans, err := bank.ExpectedAnswer(st.Challenge.ID)
		if err != nil {
			return st, err
		}
		if st, err = eng.WidgetAnswer(ctx, st.Session, ans); err != nil {
			return st, err
		}
	}
	if st.Status != engine.WidgetSuccess {
		return st, fmt.Errorf("the widget stopped at %q", st.Status)
	}
	return st, nil
}
