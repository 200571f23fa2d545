package api

import (
	"net/http"

	"sandbank/engine"
)

// Credits, debits and income (the official Node SDK calls v1's; v2 has twins): sums
// over the synced transactions as of the last sync (R1), by month. v1 answers the
// data bare, v2 in its envelope (MONO-V2.md: v1's shapes were not documented, so
// they mirror v2's data).

func (s *Server) analyticsRoutes(mux *routeMux) {
	mux.Handle("GET /accounts/{id}/credits", s.secret(s.flowV1(engine.Credit)))
	mux.Handle("GET /accounts/{id}/debits", s.secret(s.flowV1(engine.Debit)))
	mux.Handle("GET /accounts/{id}/income", s.secret(s.incomeV1))
}

// flowJSON is credits' and debits' data.
type flowJSON struct {
	Total             int64           `json:"total"`
	TransactionsCount int             `json:"transactions_count"`
	History           []flowMonthJSON `json:"history"`
}

type flowMonthJSON struct {
	Period            string `json:"period"`
	Amount            int64  `json:"amount"`
	TransactionsCount int    `json:"transactions_count"`
}

func newFlowJSON(f engine.Flow) flowJSON {
	out := flowJSON{Total: f.Total, TransactionsCount: f.Count, History: make([]flowMonthJSON, len(f.History))}
	for i, m := range f.History {
		out.History[i] = flowMonthJSON{Period: m.Month.Format(historyPeriod), Amount: m.Amount, TransactionsCount: m.Count}
	}
	return out
}

// incomeJSON is income's data. Mono renamed its averages in March 2025
// (monthly_average → aggregated_monthly_average, …): these are the new names.
type incomeJSON struct {
	Period                            incomePeriodJSON   `json:"period"`
	Months                            int                `json:"months"`
	TotalIncome                       int64              `json:"total_income"`
	AggregatedMonthlyAverage          int64              `json:"aggregated_monthly_average"`
	AggregatedMonthlyAverageRegular   int64              `json:"aggregated_monthly_average_regular"`
	AggregatedMonthlyAverageIrregular int64              `json:"aggregated_monthly_average_irregular"`
	IncomeSourcesCount                int                `json:"income_sources_count"`
	IncomeSources                     []incomeSourceJSON `json:"income_sources"`
}

type incomePeriodJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type incomeSourceJSON struct {
	Source            string `json:"source"`
	Total             int64  `json:"total"`
	TransactionsCount int    `json:"transactions_count"`
	Months            int    `json:"months"`
	MonthlyAverage    int64  `json:"monthly_average"`
	FirstDate         string `json:"first_date"`
	LastDate          string `json:"last_date"`
}

func newIncomeJSON(in engine.Income) incomeJSON {
	out := incomeJSON{Period: incomePeriodJSON{Start: instant(in.From), End: instant(in.To)}, Months: in.Months,
		TotalIncome: in.Regular, AggregatedMonthlyAverage: in.MonthlyAverage,
		AggregatedMonthlyAverageRegular: in.MonthlyAverageRegular, AggregatedMonthlyAverageIrregular: in.MonthlyAverageIrregular,
		IncomeSourcesCount: len(in.Streams), IncomeSources: make([]incomeSourceJSON, len(in.Streams))}
	for i, st := range in.Streams {
		out.IncomeSources[i] = incomeSourceJSON{Source: st.Source, Total: st.Total, TransactionsCount: st.Count,
			Months: st.Months, MonthlyAverage: st.MonthlyAverage, FirstDate: instant(st.First), LastDate: instant(st.Last)}
	}
	return out
}

// noPeriod refuses period on a route that sums the whole history (what names
// it: "credits"). The statement's period was taken here unread: last3months and
// last0months answered every month alike (a security review).
func noPeriod(r *http.Request, what string) error {
	if !r.URL.Query().Has("period") {
		return nil
	}
	how := "month by month in history; leave period out and read the months you need from there"
	if what == "income" {
		// Income has no history: its own period says which months it read (a review).
		how = "and says which months it read in its own period; leave period out"
	}
	return engine.Invalid("period", "%s takes no period: it sums the account's whole synced history, %s (period, last1months to last12months, is the statement's)", what, how)
}

func (s *Server) flowV1(typ engine.TxType) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := noPeriod(r, string(typ)+"s"); err != nil {
			return err
		}
		f, err := s.eng.Flow(r.Context(), r.PathValue("id"), typ)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newFlowJSON(f))
		return nil
	}
}

func (s *Server) incomeV1(w http.ResponseWriter, r *http.Request) error {
	if err := noPeriod(r, "income"); err != nil {
		return err
	}
	in, err := s.eng.Income(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newIncomeJSON(in))
	return nil
}
