// sandbank's widget page, enhanced: the pages work as plain HTML forms; this adds
// what only a script can do — talk to the page that opened the widget, as
// connect.mono.co does (window.parent.postMessage, MONO-V2.md "The widget") — and
// a few touches: the bank list filters as you type, the tester's drawer fills
// fields in place and stays open from step to step.
(function () {
  "use strict";
  var root = document.documentElement;
  var body = document.body;
  var framed = window.parent !== window;
  root.classList.add("js");
  if (framed) root.classList.add("framed");

  function parse(json, fallback) {
    try {
      var v = json ? JSON.parse(json) : null;
      return v == null ? fallback : v; // "null" too: a page with no events once said so
    } catch (e) { return fallback; }
  }

  // The opener's origin, from the SDK's referrer; "*" when it is not known.
  var target = body.getAttribute("data-opener") || "*";

  // The app's reference, which every event carries (the page's own events have it).
  var reference = body.getAttribute("data-reference");

  // The SDKs load the frame, hidden, at setup() and listen to it only from
  // open(): what the first page posted as it loaded — widget_opened, the error of
  // a wrong key, an unknown account or bank, an expired reauth token — never
  // reached onEvent (a front-end developer's trial with @mono.co/connect.js
  // 2.2.0). A frame not shown yet has no viewport; its page's events wait until
  // open() shows it (a resize) and gives it the focus, then go, once.
  function shown() { return window.innerWidth > 0 || document.hasFocus(); }
  var held = framed && !shown() ? [] : null;
  function release() {
    if (!held || !shown()) return;
    var events = held;
    held = null;
    window.removeEventListener("focus", release);
    window.removeEventListener("resize", release);
    events.forEach(function (e) { post(e.type, e.data); });
  }
  if (held) {
    window.addEventListener("focus", release);
    window.addEventListener("resize", release);
  }

  // post sends one event to the opener: {type, data}, data stamped with the time
  // and carrying the app's reference, if it gave one.
  function post(type, data) {
    if (!framed) return;
    if (held) {
      held.push({ type: type, data: data });
      return;
    }
    var d = {};
    for (var k in data || {}) d[k] = data[k];
    if (reference && !("reference" in d)) d.reference = reference;
    d.timestamp = Date.now();
    window.parent.postMessage({ type: type, data: d }, target);
  }

  // A page the browser brings back from its history (Back, after the link ended
  // at the app) shows the step it was left at, Cancel and all, though the session
  // has gone on: going back to the app from there said "failed" of a link that had
  // succeeded. The server's page says where the session stands.
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) window.location.reload();
  });

  // The events this page's arrival stands for (the step just taken, an error).
  parse(body.getAttribute("data-events"), []).forEach(function (e) { post(e.type, e.data); });
  // A reload must not repeat them.
  if (window.history && /[?&](after|refused)=/.test(location.search)) {
    window.history.replaceState(null, "", location.pathname);
  }

  // Buttons that need a script show only where one runs.
  Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (b) {
    if (b.getAttribute("data-action") === "close" && !framed) return;
    if (b.getAttribute("data-action") === "finish" && !framed) return;
    b.hidden = false;
  });

  // The account is linked once the success page shows: Continue posts it (the
  // SDK's onSuccess, with the code), and so does closing from there — closed with
  // × or Escape, the app lost the code of an account the user was told is linked.
  var linkedPosted = false;
  function postLinked() {
    var linked = parse(body.getAttribute("data-linked"), null);
    if (linked && !linkedPosted) {
      linkedPosted = true;
      post(linked.type, linked.data);
    }
  }

  function exit() {
    // Closed while a step is on its way: the step is called off, and its answer
    // moves the hidden frame nowhere — it moved on to the next page, whose events
    // reached the app after it was told the user had left (a front-end
    // developer's trial). What the bank took stands: the page says so when the
    // user goes on.
    if (inflight && inflight.step) {
      // A re-authorisation's Continue is not called off: it has spent its token,
      // and the page would offer a Continue the server then refuses as used.
      inflight.abort();
      inflight.ready();
      inflight = null;
      staleWhenShown();
    }
    postLinked();
    post("mono.connect.on_exit", { pageName: body.getAttribute("data-page") || "" });
    post("mono.connect.widget.closed", {});
    restart();
  }

  // A session that has ended (linked, locked, expired) is replaced, once the app
  // has its answer, by a new one of the same setup: the SDK shows the same frame
  // at its next open(), and found this page there — Continue dead, the lock or the
  // expiry for good until the app reloaded.
  var leaving = false; // the page is going elsewhere: a step's answer still on its way goes nowhere
  function restart() {
    var to = body.getAttribute("data-restart");
    if (framed && to) {
      leaving = true;
      window.location.replace(to);
    }
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest("[data-action]") : null;
    if (!el) return;
    var action = el.getAttribute("data-action");
    if (action === "close") {
      ev.preventDefault();
      exit();
    } else if (action === "finish") {
      ev.preventDefault();
      postLinked();
      restart();
    }
  });

  // Escape closes the widget, as a dialog's would, but not from a field with
  // text in it: there it clears a search, or is an input method's own key (a
  // user clearing "gt" from the bank search closed the widget).
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || !framed || ev.defaultPrevented || ev.isComposing) return;
    var t = ev.target; // a radio or a button has a value too, but no text to clear (the review)
    var text = t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && /^(text|search|password|email|tel|url|number)$/.test(t.type)));
    if (text && t.value) return;
    exit();
  });

  // In the frame the widget is a dialog, and Shift+Tab comes round as Tab does:
  // from its first control (×) to its last. It went from × to the frame's own
  // <body>, where nothing showed the focus, and only then to the tester's drawer
  // (a browser trial). Tab from the last control already comes round cleanly.
  function tabbable() {
    return Array.prototype.filter.call(document.querySelectorAll(
      "a[href], button, input, select, textarea, summary, [tabindex]"), function (el) {
      if (el.tabIndex < 0 || el.disabled || el.closest("[inert]")) return false;
      // A closed drawer's controls have boxes in Chromium (its content is only
      // content-visibility: hidden) but take no focus: Shift+Tab from × picked
      // the drawer's last button, and the focus stayed on × (an accessibility
      // trial). Its summary is the one shown.
      var closed = el.closest("details:not([open])");
      if (closed && !(el.tagName === "SUMMARY" && el.parentElement === closed)) return false;
      return el.getClientRects().length > 0; // shown: not hidden
    });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Tab" || !ev.shiftKey || !framed || ev.defaultPrevented) return;
    var all = tabbable();
    var at = document.activeElement;
    if (!all.length || (at !== all[0] && at !== body && at !== null)) return;
    // The last control that really takes the focus: one that refuses it
    // swallowed the key. None does: the browser's own Shift+Tab goes on.
    for (var i = all.length - 1; i > 0; i--) {
      all[i].focus();
      if (document.activeElement === all[i]) {
        ev.preventDefault();
        return;
      }
    }
  });

  // A step's form goes once: a second click while the bank answered, on a slow
  // network, posted it again for a step the session had left (the server shows
  // such a form's page as the session stands, with no error, but the click still
  // waited for a second answer). The button says it is busy until the next page.
  //
  // A step's form goes by fetch, and its answer — where the session now stands —
  // replaces this page (location.replace) instead of adding one to the browser's
  // history: each step was an entry, and Back walked through the bank's OTP page
  // after a link (three Backs to leave the app). A network that fails leaves this
  // page, its × and the form where they were, and says so; it showed the browser's
  // error page in the frame, with no way to close it. A form the server answers
  // otherwise (an error page: a session gone, a form refused before any step)
  // goes again the plain way, to show that page.
  var stepForm = /^\/connect\/s\/[^\/]+\/(institution|back|login|answer|account)$/;
  // A re-authorisation's Continue (a connect.js frame's, or a hosted link's) too:
  // sent plainly, a lost network put the browser's error page in the frame.
  var continueForm = /^\/connect(\/links\/[^\/]+)?$/;
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-plain")) return;
    if (form.hasAttribute("data-sent") && !form.hasAttribute("data-called-off")) {
      ev.preventDefault();
      return;
    }
    if (inflight && inflight.form !== form) {
      // One step at a time: another form of the page sent while one is on its
      // way (Log in, then "Choose another bank") raced it, and the first's
      // events were lost (a front-end developer's trial).
      ev.preventDefault();
      return;
    }
    form.removeAttribute("data-called-off"); // sent again after a link called it off: the user stayed
    form.setAttribute("data-sent", "");
    var b = ev.submitter || form.querySelector("button[type=submit]");
    if (b) b.setAttribute("aria-busy", "true");
    var unwait = waiting(form);
    var action = new URL(form.action, location.href);
    var isStep = stepForm.test(action.pathname);
    if (!window.fetch || !window.URLSearchParams || action.origin !== location.origin || !(isStep || continueForm.test(action.pathname))) return;
    // A browser that does not say which button sent the form (SubmitEvent.submitter,
    // older Safari) would leave out the bank's button's value: the plain way.
    if (ev.submitter === undefined && form.querySelector("button[name]")) return;
    ev.preventDefault();
    var data = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    if (ev.submitter && ev.submitter.name) data.append(ev.submitter.name, ev.submitter.value);
    var again = function () { // the plain way, the same button's value and all
      unwait(); // a disabled choice would not go
      form.setAttribute("data-plain", "");
      if (ev.submitter && form.requestSubmit) form.requestSubmit(ev.submitter);
      else form.submit();
    };
    var ready = function () { // the form may go again
      form.removeAttribute("data-sent");
      if (b) b.removeAttribute("aria-busy");
      unwait();
    };
    var ctrl = window.AbortController ? new AbortController() : null;
    // Called off by a link, the form stays busy while the link's page comes (sent
    // again then, its answer would take the browser back); if that page never
    // comes, the button sends it again.
    inflight = { form: form, step: isStep, ready: ready, abort: function () {
      if (ctrl) ctrl.abort();
      form.setAttribute("data-called-off", "");
      if (b) b.removeAttribute("aria-busy");
      unwait();
    } };
    var calledOff = function () { return ctrl && ctrl.signal.aborted; };
    fetch(action.href, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: data.toString(),
      credentials: "same-origin",
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (r) {
      if (!r.ok) return { plain: true }; // an error page, from before any step: shown the plain way
      return r.json().catch(function (e) {
        if (calledOff()) throw e; // not unreadable: called off while it was read
        return null;
      });
    }).then(function (j) {
      inflight = null;
      if (leaving || calledOff()) return;
      if (j && typeof j.location === "string") window.location.replace(j.location);
      else if (j && j.plain) again();
      // The step was taken, its answer unreadable: the session's page says where
      // it stands (sent again, a wrong password would count twice).
      else if (isStep) window.location.replace(action.pathname.replace(/\/[^\/]+$/, ""));
      else { ready(); lost(form); } // a Continue: sent again, it would spend a token twice
    }, function (err) {
      inflight = null;
      if (leaving || (err && err.name === "AbortError")) return;
      ready();
      lost(form);
    });
  });
  // A form whose answer is slow to come says what it waits for: a bank with a
  // latency set took two minutes to sign in, and all that showed was the button
  // dimmed, the fields still open and nothing said to a screen reader (an
  // accessibility trial). After a moment the form's status line (role=status)
  // says it, and its fields are read-only until the answer comes. It returns
  // what undoes it.
  var waitAfter = 400; // ms: a quick answer flashes nothing
  function waiting(form) {
    var line = form.querySelector("[data-wait-status]");
    var text = form.getAttribute("data-wait");
    if (!line || !text) return function () {};
    var fields = [];
    var others = []; // the page's other forms' buttons, which do nothing meanwhile
    var focused = null; // a choice with the focus, which disabling it drops (a review)
    var timer = setTimeout(function () {
      line.innerHTML = "";
      var spin = document.createElement("span");
      spin.className = "spinner";
      spin.setAttribute("aria-hidden", "true");
      line.appendChild(spin);
      line.appendChild(document.createTextNode(text));
      // Read-only; a choice (which readOnly does not hold) disabled: the form's
      // values went as it was sent, before this (a review).
      Array.prototype.forEach.call(form.querySelectorAll("input:not([type=hidden]):not([readonly]):not([disabled])"), function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          if (document.activeElement === el) focused = el;
          el.disabled = true;
        } else el.readOnly = true;
        fields.push(el);
      });
      // The other forms wait too ("Use mobile banking instead" looked ready
      // while it did nothing, a trial): dimmed, and said to be unavailable.
      Array.prototype.forEach.call(document.querySelectorAll("form button[type=submit]"), function (el) {
        if (el.form === form || el.getAttribute("aria-disabled") === "true") return;
        el.setAttribute("aria-disabled", "true");
        others.push(el);
      });
    }, waitAfter);
    return function () {
      clearTimeout(timer);
      line.textContent = "";
      fields.forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.disabled = false;
        else el.readOnly = false;
      });
      fields = [];
      others.forEach(function (el) { el.removeAttribute("aria-disabled"); });
      others = [];
      if (focused && (!document.activeElement || document.activeElement === document.body)) focused.focus();
      focused = null;
    };
  }

  // A link followed while a step's answer is on its way (Cancel) calls the step
  // off: its answer arriving after took the browser back to the session. If the
  // link's page never comes (the user stops it), the form can go again.
  var inflight = null;
  window.addEventListener("pagehide", function () { leaving = true; });
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || a.target) return;
    if (!/^#/.test(a.getAttribute("href")) && inflight) {
      inflight.abort();
      inflight = null;
    }
  });

  // staleWhenShown reloads the page when the SDK next shows the frame: a step
  // called off by × may have been taken, and the page shows where the session
  // stands (its events then reach the app, after the next open()).
  function staleWhenShown() {
    var again = function () {
      if (!shown()) return;
      window.removeEventListener("focus", again);
      window.removeEventListener("resize", again);
      window.location.reload();
    };
    window.addEventListener("focus", again);
    window.addEventListener("resize", again);
  }

  // lost says, above the form, that sandbank did not answer.
  function lost(form) {
    var note = document.querySelector("[data-lost]");
    if (note && note.nextSibling !== form) {
      note.parentNode.removeChild(note); // another form's: this one's goes above this form
      note = null;
    }
    if (!note) {
      note = document.createElement("div");
      note.className = "inset inset-warn";
      note.setAttribute("data-lost", "");
      note.setAttribute("role", "alert");
      note.setAttribute("tabindex", "-1");
      var p = document.createElement("p");
      p.textContent = "sandbank did not answer: check that it is still running and that this device is online, then try again.";
      note.appendChild(p);
      form.parentNode.insertBefore(note, form);
    }
    note.focus();
  }

  // The error summary takes the focus, so a screen reader reads it first. In the
  // frame, each step is a new page that leaves the focus on its body: the step's
  // heading takes it, so that a screen reader says the step changed.
  //
  // A frame the SDK hides takes no focus: an ended session's page, replaced
  // after the widget closed (restart), took it from the app's button its SDK had
  // just given it back to, and Tab walked the hidden frame's banks (an
  // accessibility review). A hidden frame's page takes it when the SDK shows the
  // frame and moves the focus into it (open), unless the user has put it on a
  // field by then.
  var summary = document.querySelector("[data-error-summary]");
  var first = summary;
  if (!first && framed && document.getElementById("title")) {
    first = document.getElementById("title");
    first.setAttribute("tabindex", "-1");
  }
  if (first) {
    var toFirst = function () {
      if (!document.activeElement || document.activeElement === document.body) first.focus({ preventScroll: !summary });
    };
    if (!framed || shown()) toFirst();
    if (framed) window.addEventListener("focus", toFirst, { once: true });
  }

  // Bank search: filter as the user types; the count is read out politely.
  var search = document.getElementById("bank-search");
  if (search) {
    var items = document.querySelectorAll("[data-bank]");
    var count = document.getElementById("bank-count");
    var filter = function () {
      var q = search.value.trim().toLowerCase();
      var n = 0;
      Array.prototype.forEach.call(items, function (li) {
        var show = !q || li.getAttribute("data-bank").toLowerCase().indexOf(q) >= 0;
        li.hidden = !show;
        if (show) n++;
      });
      count.textContent = n + (n === 1 ? " bank" : " banks") + (q ? (n === 1 ? " matches “" : " match “") + search.value.trim() + "”" : "");
      // What the page says without a script when nothing matches: how to search.
      var none = document.querySelector("[data-no-match]");
      if (!none && !n) {
        none = document.createElement("p");
        none.className = "inset";
        none.setAttribute("data-no-match", "");
        var list = document.querySelector("ul.banks");
        if (list) list.parentNode.insertBefore(none, list.nextSibling);
      }
      if (none) {
        none.hidden = n > 0;
        if (!n) none.textContent = "No bank matches “" + search.value.trim() + "”. Search by the bank’s name or its CBN code, such as 044.";
      }
      return n;
    };
    search.addEventListener("input", filter);
    // Enter (the search form's submit: its button shows only without a script)
    // opens the one bank the search found; it did nothing, and a user who typed
    // "zen" and saw Zenith Bank alone pressed it in vain (a front-end developer's
    // trial). With more banks, or none, it stays where it is, and the status line
    // says what to do instead: Enter there did nothing that was heard (an
    // accessibility trial).
    search.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var n = filter();
      if (n === 1) {
        var only = document.querySelector("[data-bank]:not([hidden]) button");
        if (only) only.click();
        return;
      }
      var q = search.value.trim();
      // With none, the line under the search already says how to search: the
      // status says so in as many words, not the same sentence twice (the review).
      var say = n ? count.textContent + ". Choose one of them below." :
        "No bank matches “" + q + "”: see how to search below.";
      // Emptied first: the same words set again are not read again. Not if the
      // search changed meanwhile: typed at once after Enter, the count of the
      // new search was overwritten by the old one's words (the review).
      count.textContent = "";
      setTimeout(function () { if (search.value.trim() === q) count.textContent = say; }, 100);
    });
  }

  // The tester's drawer stays open from step to step once opened.
  var drawer = document.querySelector("[data-tester]");
  if (drawer) {
    try {
      if (sessionStorage.getItem("sandbank.tester") === "open") drawer.open = true;
      drawer.addEventListener("toggle", function () {
        sessionStorage.setItem("sandbank.tester", drawer.open ? "open" : "closed");
      });
    } catch (e) { /* storage may be off: the drawer just starts closed */ }
  }

  function fill(id, value) {
    var input = document.getElementById(id);
    if (!input) return null;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return input;
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("[data-fill-username],[data-fill-answer]") : null;
    if (!b) return;
    if (inflight || b.getAttribute("aria-disabled") === "true") {
      // Dimmed while a step's answer comes: it filled the form already sent (a
      // review: the read-only username changed under the sign-in).
      ev.preventDefault();
      return;
    }
    if (b.hasAttribute("data-fill-username")) {
      if (!document.getElementById("password")) return; // no login form: the server fills it
      ev.preventDefault();
      fill("username", b.getAttribute("data-fill-username"));
      var pw = fill("password", b.getAttribute("data-fill-password"));
      pw.focus();
      return;
    }
    if (!document.getElementById("answer") || !window.fetch) return;
    ev.preventDefault();
    var form = b.form;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, body: j }; }, function () { return { ok: false, body: {} }; });
    }).then(function (res) {
      if (res.ok && res.body.answer) {
        fill("answer", res.body.answer).focus();
      } else {
        form.submit(); // let the server say what went wrong, as a page
      }
    }, function () { lost(form); }); // sent plainly, the browser's error page filled the frame
  });
})();
