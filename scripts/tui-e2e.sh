#!/usr/bin/env bash
# Drives the real sandbank binary in tmux through the demo of a reauth flow, the way
# a presenter would: open; credit an account at the bank and sync it (a sync that
# finds nothing new sends no webhook); see its webhook delivered; in the bank
# console spend money and change the password; sync again (after +2m, past the rate
# limit) and see reauthorisation required; reauthorise with the OTP read from the
# customer's phone, after letters it refuses without counting; see the fresh data.
# Then it plays a scenario file on stage (sandbank scenario play): step by step, to
# a pause and its sentence, to the end.
#
# usage: scripts/tui-e2e.sh BINARY WORKDIR
#   BINARY   a built sandbank
#   WORKDIR  an empty directory for the database, the log and the screens
# Every wait polls capture-pane in a bounded loop (WAIT seconds, default 30).
set -euo pipefail
unset TMUX # our own server, even when run from inside tmux

BIN=${1:?usage: tui-e2e.sh BINARY WORKDIR}
DIR=${2:?usage: tui-e2e.sh BINARY WORKDIR}
WAIT=${WAIT:-30}
SOCK="sandbank-e2e-$$"
T="tmux -L $SOCK -f /dev/null"
PASSWORD='Tmux@2026'
NARRATION='TMUX DEMO SPEND'

cleanup() { $T kill-server 2>/dev/null || true; }
trap cleanup EXIT

step() { printf '==> %s\n' "$*"; }
keys() { $T send-keys -t main "$@"; }
screen() { $T capture-pane -p -t main; }
# clock_colour: the escape sequence that colours the header's clock (its weekday).
clock_colour() { $T capture-pane -p -e -t main | head -1 | grep -oE $'\e\\[[0-9;]*m(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ' | head -1 | cut -d m -f 1 | tr -d '\033'; }

# wait_for REGEX [LINE]: until the screen (or its line number LINE) matches the
# extended regex, at most WAIT seconds.
wait_for() {
  local deadline=$((SECONDS + WAIT)) lines=p
  if [ -n "${2:-}" ]; then lines="${2}p"; fi
  until screen | sed -n "$lines" | grep -qE -- "$1"; do
    if ((SECONDS >= deadline)); then
      printf 'timed out after %ss waiting for /%s/ (line %s); the screen:\n' "$WAIT" "$1" "${2:-any}" >&2
      screen >&2 || echo "(no screen: tmux is gone)" >&2
      if [ -s "$DIR/exit" ]; then printf -- '--- sandbank exited with status %s\n' "$(cat "$DIR/exit")" >&2; fi
      if [ -s "$DIR/stderr" ]; then printf -- '--- stderr:\n' >&2; cat "$DIR/stderr" >&2; fi
      exit 1
    fi
    sleep 0.1
  done
}

# wait_gone REGEX: until the screen no longer matches, at most WAIT seconds (an
# overlay closed, so the next key reaches the page).
wait_gone() {
  local deadline=$((SECONDS + WAIT))
  while screen | grep -qE -- "$1"; do
    if ((SECONDS >= deadline)); then
      printf 'timed out after %ss waiting for /%s/ to go; the screen:\n' "$WAIT" "$1" >&2
      screen >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

step "open sandbank (120x40) on a new database"
# The pane outlives sandbank (sleep), so a crash leaves its screen to look at.
$T new-session -d -s main -x 120 -y 40 \
  "'$BIN' --db '$DIR/sandbank.db' --addr 127.0.0.1:0 --log '$DIR/sandbank.log' 2>'$DIR/stderr'; echo \$? >'$DIR/exit'; exec sleep 600"
wait_for 'Welcome to sandbank'
keys Enter
wait_for 'Connected accounts 3 of 3'
wait_for 'AVAILABLE'
auto_colour=$(clock_colour) # tmux's background is dark, or it does not say: the dark palette

step "count the webhook events so far"
keys 2
wait_for 'Webhook events [0-9]+'
before=$(screen | grep -oE 'Webhook events [0-9]+' | head -1 | awk '{print $3}')
echo "    $before events"
keys 1
wait_for 'Connected accounts'

step "bank console: the business receives money, so that its sync has something new"
keys 3
wait_for 'Customers [0-9]+'
keys / providus Enter
wait_for 'filter providus'
keys r
wait_for 'Receive money into'
keys 2500 Tab 'TMUX DEMO CREDIT' Enter
wait_for 'received NGN 2,500.00 at the bank \(TMUX DEMO CREDIT\)'
keys 1
wait_for 'Connected accounts'

step "open the business account at Providus Bank and sync it"
keys / providus Enter
wait_for 'Connected accounts 1 of 3'
keys Enter
wait_for 'SNAPSHOT'
keys s
wait_for '✓ [0-9:]+ synced'
wait_for 'Next manual sync allowed in'

step "see the webhook arrive, delivered"
keys 2
wait_for "Webhook events $((before + 1)) "
wait_for 'account_updated .*✓ delivered' 6 # the newest event, the first row
wait_for 'delivery ✓ delivered'

step "bank console: spend money, then change the password"
keys 3
wait_for 'Customers [0-9]+'
wait_for 'filter providus'
keys s
wait_for 'Spend money from'
keys 5000 Tab "$NARRATION" Enter
wait_for "spent NGN 5,000.00 at the bank \\($NARRATION\\)"
keys p
wait_for 'new password'
keys C-u "$PASSWORD" Enter
wait_for "password is now $PASSWORD"

step "advance the clock +2m (past the rate limit) and sync: reauthorisation required"
keys 1
wait_for 'SNAPSHOT'
keys t
wait_for 'Virtual time'
keys 2
wait_for 'Clock: \+2m'
keys Escape # the time panel stays open until esc
wait_gone 'Virtual time'
wait_for 's Sync now'
keys s
wait_for 'reauthorisation required'

step "reauthorise: the new password, then the OTP from the customer's phone"
keys r
wait_for 'connect\.reauthorise\(token\)'
wait_for 'expires in [0-9]+:[0-9]{2}'
wait_for 'Password'
keys "$PASSWORD" Enter
wait_for 'asks for a one-time password'
keys C-p
wait_for 'OTP +[0-9]{6}'
otp=$(screen | grep -oE 'OTP +[0-9]{6}' | head -1 | grep -oE '[0-9]{6}')
echo "    OTP $otp"
# Letters are no code: refused in words, each without counting an attempt
# (three locked the sign-in), and emptied from the field, as a wrong code is, so
# that the code typed next is not added to them.
for _ in 1 2 3; do
  keys "abcdef" Enter
  wait_for 'enter the 6-digit code, with the digits 0 to 9 only'
  if screen | grep -qE 'Locked|Too many'; then
    echo "letters counted as wrong attempts: the sign-in locked" >&2
    screen >&2
    exit 1
  fi
  wait_gone 'Answer +abcdef'
done
keys "$otp" Enter
wait_for 'Re-authorised'
wait_for 'New data is available'
keys Enter

step "see the fresh data: the spend is in the transactions"
wait_for 'SNAPSHOT'
keys Right
wait_for "$NARRATION"
wait_for '-5,000\.00'

step "the webhooks of the reauth arrived"
keys 2
wait_for 'account_reauthorized'

step "quit"
keys q
deadline=$((SECONDS + WAIT))
until [ -s "$DIR/exit" ]; do
  if ((SECONDS >= deadline)); then echo "sandbank did not exit" >&2; screen >&2; exit 1; fi
  sleep 0.1
done
status=$(cat "$DIR/exit")
if [ "$status" != 0 ]; then
  echo "sandbank exited with status $status" >&2
  cat "$DIR/stderr" >&2 || true
  exit 1
fi
# q quits at once, and says the world is kept: one pressed by mistake on stage
# reads as a pause (a presenter's trial).
wait_for 'sandbank: the world is kept in'

# A presenter plays a scenario file on stage: step by step, to the pause and its
# sentence, to the end; the steps panel shows the verdicts.
FIXTURES="$(cd "$(dirname "$0")/../fixtures" && pwd)"
step "play fixtures/password-change.yaml, in the light palette (SANDBANK_THEME)"
rm -f "$DIR/exit" "$DIR/stderr"
# The same pane, its command replaced: killing the only session makes the tmux
# server exit, and a new session started at that moment can reach the dying server
# ("server exited unexpectedly").
$T respawn-pane -k -t main \
  "SANDBANK_THEME=light '$BIN' scenario play '$FIXTURES/password-change.yaml' --addr 127.0.0.1:0 --log '$DIR/play.log' 2>'$DIR/stderr'; echo \$? >'$DIR/exit'; exec sleep 600"
wait_for 'next: step 1/15 connect: adam'
light_colour=$(clock_colour)
if [ -z "$auto_colour" ] || [ -z "$light_colour" ] || [ "$auto_colour" = "$light_colour" ]; then
  echo "the clock's colour is '$light_colour' with SANDBANK_THEME=light, '$auto_colour' without: the variable chose no palette" >&2
  exit 1
fi
echo "    clock coloured $light_colour, not $auto_colour"
keys C-n
wait_for '✓ step 1 connect: adam'
wait_for 'ADAM OKAFOR'

step "run to the pause: its sentence, then the sync that fails"
keys C-g
wait_for 'Adam changed his password at the bank'
keys Enter
wait_gone 'Adam changed his password'
keys C-n
wait_for '✓ step 7 sync: adam'
wait_for 'reauth'

step "run to the end: every step passes"
keys C-r
wait_for 'The business passes a reauth token'
keys Enter
keys C-r
wait_for 'every step has run'
wait_for '✓15 '
keys C-o
wait_for '✓  15 call: GET /sandbox/webhooks'
keys Escape
wait_gone 'scroll · esc close' # the steps' box has closed

step "quit the play"
keys q
deadline=$((SECONDS + WAIT))
until [ -s "$DIR/exit" ]; do
  if ((SECONDS >= deadline)); then echo "sandbank did not exit" >&2; screen >&2; exit 1; fi
  sleep 0.1
done
status=$(cat "$DIR/exit")
if [ "$status" != 0 ]; then
  echo "sandbank scenario play exited with status $status" >&2
  cat "$DIR/stderr" >&2 || true
  exit 1
fi
wait_for 'password-change.yaml: all 15 steps passed' # the line the play leaves behind
echo "PASS"
