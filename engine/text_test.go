package engine_test

import (
	"testing"
	"time"

	"sandbank/engine"
)

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                      "0ms",
		500 * time.Millisecond:                 "500ms",
		time.Second:                            "1s",
		30 * time.Minute:                       "30m",
		time.Hour:                              "1h",
		2*time.Minute + 5*time.Second:          "2m 5s",
		119*time.Second + 600*time.Millisecond: "2m",
		36 * time.Hour:                         "1d 12h",
		25*time.Hour + time.Second:             "1d 1h 1s",
		-90 * time.Second:                      "-1m 30s",
	} {
		if got := engine.DurationText(d); got != want {
			t.Errorf("DurationText(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTimeTextSaysTheZone(t *testing.T) {
	at := time.Date(2021, 8, 20, 16, 11, 23, 0, time.UTC)
	if got, want := engine.TimeText(at), "20 Aug 2021 17:11:23 WAT"; got != want {
		t.Fatalf("TimeText = %q, want %q", got, want)
	}
}
