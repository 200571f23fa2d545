package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"sandbank/simulator"
)

// A young account whose balance has not moved — one deposit, connected just now —
// draws its balance once, as a level with one label: it was one ▁ at the chart's
// right edge between a top and a bottom label both "80.0k" (a presenter's trial).
func TestChartOfAFlatBalanceSaysItOnce(t *testing.T) {
	w := newTestWorld(t)
	c, err := w.bank.AddCustomer(simulator.NewCustomer{Name: "Ese Ekpo", Institution: "044", Balance: 8_000_000, Username: "ese.ekpo", Password: "Ekpo@1234"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.eng.ExchangeCode(w.ctx, w.widgetCode(t, c)); err != nil {
		t.Fatal(err)
	}
	w.settle()
	h := newHarness(t, w, harnessOpts{})
	h.press("end", "enter")
	h.contains("ESE EKPO · Access Bank", "BALANCE over 12 months")
	h.golden("detail-young-flat")
	var labels, bars int
	for _, l := range strings.Split(h.screen(), "\n") {
		_, chart, ok := strings.Cut(l, " │ ")
		if !ok {
			continue
		}
		if strings.Contains(chart, "80.0k │") {
			labels++
		}
		if strings.Contains(chart, "█") {
			bars++
		}
	}
	if labels != 1 || bars < 2 {
		t.Errorf("the chart labels 80.0k %d times, with %d rows of █; want once, beside a level:\n%s", labels, bars, h.screen())
	}
}

// A balance that moves keeps its top and bottom labels.
func TestChartOfAMovingBalanceLabelsBothEnds(t *testing.T) {
	d := chartData{balance: []int64{100_000, 100_000, 5_000_000, 9_000_000}, has: []bool{false, true, true, true}}
	lines := areaChart(NewStyles(true), d, 30, 4)
	if !strings.HasPrefix(ansi.Strip(lines[0]), "   90.0k │") || !strings.HasPrefix(ansi.Strip(lines[3]), "    1.0k │") {
		t.Errorf("the labels are not the top and the bottom:\n%s", strings.Join(lines, "\n"))
	}
}

// The labels are the year's highest and lowest balance, not those of the days a
// column happens to draw: a column stands for several days, and the axis of a
// year from 319k to 1.05m read 890.5k to 382.4k at 80 columns (a newcomer's trial).
func TestChartLabelsTheTrueExtremes(t *testing.T) {
	bal := make([]int64, 365)
	has := make([]bool, 365)
	for i := range bal {
		bal[i], has[i] = 50_000_000, true // NGN 500k
	}
	bal[101], bal[202] = 104_600_000, 31_900_000 // one day's high and low, between the columns drawn
	lines := areaChart(NewStyles(true), chartData{balance: bal, has: has}, 30, 4)
	if top, bottom := ansi.Strip(lines[0]), ansi.Strip(lines[3]); !strings.HasPrefix(top, "    1.0m │") || !strings.HasPrefix(bottom, "  319.0k │") {
		t.Errorf("the labels are not the year's highest and lowest:\n%s", strings.Join(lines, "\n"))
	}
}
