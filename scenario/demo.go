package scenario

import (
	"context"
	"fmt"
	"time"

	"sandbank/engine"
	"sandbank/simulator"
)

// DemoAccounts are the customers the demo connects, by their place in the world
// (see simulator's package documentation): Adam Okafor (no MFA) before Data Sync is
// enabled, then the trader (OTP) and the business (no MFA) after it.
var DemoAccounts = struct{ Before, MFA, After int }{Before: 0, MFA: 1, After: 5}

// Demo builds the first run's demo world: it connects Adam's account, enables Data
// Sync a second later with webhooks to webhookURL, then connects an OTP customer and
// a business, so the dashboard shows one account without webhooks (R4) and one with
// MFA (R5) from the start.
func Demo(ctx context.Context, eng *engine.Engine, bank *simulator.Bank, webhookURL string) error {
	customers := bank.Customers()
	pick := func(i int) (simulator.Customer, error) {
		if i >= len(customers) || len(customers[i].Accounts) == 0 {
			return simulator.Customer{}, fmt.Errorf("the world has no customer %d with an account", i)
		}
		return customers[i], nil
	}
	connect := func(i int) error {
		c, err := pick(i)
		if err != nil {
			return err
		}
		_, err = Connect(ctx, eng, bank, c.ID, c.Accounts[0].Institution.Code)
		return err
	}
	if err := connect(DemoAccounts.Before); err != nil {
		return err
	}
	if err := eng.Clock().Advance(time.Second); err != nil {
		return err
	}
	on, auto := true, 24*time.Hour
	if _, err := eng.UpdateSettings(ctx, engine.SettingsPatch{DataSyncEnabled: &on, WebhookURL: &webhookURL, AutoSync: &auto}); err != nil {
		return err
	}
	if err := eng.Clock().Advance(time.Second); err != nil {
		return err
	}
	for _, i := range []int{DemoAccounts.MFA, DemoAccounts.After} {
		if err := connect(i); err != nil {
			return err
		}
	}
	return nil
}
