/*
 * sandbank's drop-in for @mono.co/connect.js 2.x: the same public API, opening
 * sandbank's own widget page (SANDBANK_ORIGIN/connect) in an iframe instead of
 * https://connect.mono.co, and speaking the same window.postMessage protocol.
 *
 *   const connect = new Connect({ key, onSuccess, onClose, onLoad, onEvent, reference, data });
 *   connect.setup(config?); connect.open();      // connect an account
 *   connect.reauthorise(accountIdOrToken); connect.open();
 *   connect.close();
 *
 * Served by sandbank as /connect.js (a classic script: window.Connect, or
 * module.exports under CommonJS) and /connect.mjs (an ES module: export default).
 * The origin below is the address sandbank served this file from; a copy kept in
 * a project keeps pointing there. Set globalThis.SANDBANK_CONNECT_ORIGIN first to
 * point a copy elsewhere.
 */
var SANDBANK_ORIGIN = "__SANDBANK_ORIGIN__";

function createConnect(global) {
  "use strict";
  var CONTAINER_ID = "mono-connect--widget-div";
  var FRAME_ID = "mono-connect--frame-id";
  var VERSION = "2023-12-14";
  var ENCODED = ["data", "selectedInstitution"]; // options sent as JSON, as the SDK does
  var CALLBACKS = ["key", "onSuccess", "onClose", "onLoad", "onEvent"];
  var noop = function () {};

  function origin() {
    return (global.SANDBANK_CONNECT_ORIGIN || SANDBANK_ORIGIN).replace(/\/+$/, "");
  }

  function warn(message) {
    if (global.console && global.console.warn) global.console.warn("sandbank connect.js: " + message);
  }

  function assign(target) {
    for (var i = 1; i < arguments.length; i++) {
      var src = arguments[i] || {};
      for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) target[k] = src[k];
    }
    return target;
  }

  // What onEvent receives for each message type (the SDK's names).
  var EVENTS = {
    "mono.connect.widget_opened": "OPENED",
    "mono.connect.error_occured": "ERROR",
    "mono.connect.institution_selected": "INSTITUTION_SELECTED",
    "mono.connect.auth_method_switched": "AUTH_METHOD_SWITCHED",
    "mono.connect.on_exit": "EXIT",
    "mono.connect.login_attempt": "SUBMIT_CREDENTIALS",
    "mono.connect.mfa_submitted": "SUBMIT_MFA",
    "mono.connect.account_linked": "ACCOUNT_LINKED",
    "mono.connect.account_selected": "ACCOUNT_SELECTED"
  };

  function Connect(options) {
    if (!(this instanceof Connect)) return new Connect(options);
    options = options || {};
    if (!options.key) throw new Error("PUBLIC_KEY is required");
    if (typeof options.onSuccess !== "function") throw new Error("onSuccess callback is required");
    this.key = options.key;
    this.onSuccess = options.onSuccess;
    this.onClose = options.onClose || noop;
    this.onLoad = options.onLoad || noop;
    this.onEvent = options.onEvent || noop;
    this.config = {};
    for (var k in options) {
      if (CALLBACKS.indexOf(k) < 0) this.config[k] = options[k];
    }
    this._listener = this._message.bind(this);
    this._listening = false;
  }

  // setup loads the widget, hidden, to connect an account; open shows it.
  Connect.prototype.setup = function (config) {
    if (this._reauthLoaded) {
      // The SDK does the same, silently: the user then linked the account
      // again, and the app got a code for a second account where it asked for
      // a re-authorisation (a Node developer's trial: reauthorise(), then setup()).
      warn("connect.setup() replaces the re-authorisation that connect.reauthorise() loaded: the widget now links a new account. " +
        "To re-authorise, call connect.open() after connect.reauthorise(), without setup().");
    }
    this._reauthLoaded = false;
    this._init(assign({}, this.config, config));
  };

  // reauthorise loads the widget, hidden, to re-authorise an account: its ID (the
  // 2.x SDK) or a reauth token from POST /accounts/{id}/reauthorise (older SDKs).
  Connect.prototype.reauthorise = function (accountOrToken) {
    if (!accountOrToken) throw new Error("Account ID is required for re-authorisation");
    if (typeof accountOrToken !== "string") throw new Error("Invalid accountId: must be a string");
    var qs = assign({}, this.config);
    qs.data = assign({}, this.config.data, { account: accountOrToken });
    this._init(qs);
    this._reauthLoaded = true;
  };

  Connect.prototype._init = function (qs) {
    var doc = global.document;
    var old = doc.getElementById(CONTAINER_ID);
    if (old) old.parentNode.removeChild(old);

    var url = new URL(origin() + "/connect");
    url.searchParams.set("key", this.key);
    url.searchParams.set("referrer", global.location.href);
    url.searchParams.set("version", VERSION);
    Object.keys(qs).forEach(function (k) {
      var v = qs[k];
      if (v === undefined || v === null || typeof v === "function") return;
      url.searchParams.set(k, ENCODED.indexOf(k) >= 0 || typeof v === "object" ? JSON.stringify(v) : String(v));
    });

    // Styles through the CSSOM, not style attributes: they pass a page's strict
    // Content-Security-Policy.
    var container = doc.createElement("div");
    container.id = CONTAINER_ID;
    // A modal dialog, to a screen reader as to the eye (an accessibility review).
    container.setAttribute("role", "dialog");
    container.setAttribute("aria-modal", "true");
    container.setAttribute("aria-label", "Connect your bank account");
    assign(container.style, {
      position: "fixed", top: "0", right: "0", bottom: "0", left: "0", zIndex: "999999999",
      display: "none", background: "rgba(0, 0, 0, 0.6)", margin: "0", overflow: "hidden"
    });
    // Until the widget's first page has loaded (a slow network: seconds), the
    // overlay says so and offers a way out: it was an empty grey screen that
    // nothing closed (a front-end developer's trial; the SDK shows a loader).
    var self = this;
    var loader = doc.createElement("div");
    loader.setAttribute("role", "status");
    assign(loader.style, {
      position: "fixed", zIndex: "1", top: "50%", left: "50%", transform: "translate(-50%, -50%)", padding: "1rem 1.25rem",
      background: "#fff", color: "#111827", borderRadius: "8px", font: "16px/1.4 system-ui, sans-serif", textAlign: "center"
    });
    loader.appendChild(doc.createTextNode("Loading the widget…"));
    var cancel = doc.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    assign(cancel.style, { display: "block", margin: ".75rem auto 0", font: "inherit", padding: ".25rem .75rem", cursor: "pointer" });
    cancel.addEventListener("click", function () { self.close(); });
    loader.appendChild(cancel);
    container.appendChild(loader);
    var frame = doc.createElement("iframe");
    frame.id = FRAME_ID;
    frame.src = url.href;
    frame.title = "Connect your bank account";
    frame.setAttribute("allow", "clipboard-write");
    // colorScheme: the widget's own, light. A frame whose scheme is not its
    // page's is painted opaque, and on a host page in dark mode the dimmed
    // backdrop was a white screen (an accessibility trial).
    assign(frame.style, { position: "fixed", top: "0", left: "0", width: "100%", height: "100%", border: "0", display: "block", background: "transparent", colorScheme: "light" });
    this._loaded = false;
    this._cancel = cancel;
    this._reference = qs.reference;
    // The widget's steps are pages of their own, each a load of the frame; the SDK's
    // one-page widget loads once, and so LOADED is said once.
    frame.addEventListener("load", function () {
      if (self._loaded) return;
      self._loaded = true;
      loader.style.display = "none";
      if (container.style.display !== "none") frame.focus(); // it had the Cancel's
      self.onLoad();
      self.onEvent("LOADED", self._eventData());
    });
    container.appendChild(frame);
    doc.body.insertBefore(container, doc.body.firstChild);
  };

  // open shows the widget (setting it up first if setup was never called) and
  // listens to it.
  Connect.prototype.open = function () {
    var doc = global.document;
    if (!doc.getElementById(CONTAINER_ID)) this.setup();
    this._reauthLoaded = false; // shown: a setup() from here on is the app's next link
    this._returnFocus = doc.activeElement;
    var container = doc.getElementById(CONTAINER_ID);
    container.style.display = "block";
    // A modal: the page under it takes neither focus nor clicks while it is open
    // (Tab went on from the widget to the page's hidden fields, and typed there).
    this._inerted = [];
    for (var el = doc.body.firstElementChild; el; el = el.nextElementSibling) {
      if (el !== container && !el.inert) {
        el.inert = true;
        this._inerted.push(el);
      }
    }
    if (!this._listening) {
      global.addEventListener("message", this._listener, false);
      this._listening = true;
    }
    var frame = doc.getElementById(FRAME_ID);
    if (this._loaded) frame.focus();
    else this._cancel.focus(); // the loader's way out, until the widget is there
    this.onEvent("OPENED", this._eventData());
  };

  // _eventData is what the widget's own events carry besides their own: the
  // reference it was set up with, and when.
  Connect.prototype._eventData = function () {
    var d = { timestamp: Date.now() };
    if (this._reference !== undefined && this._reference !== null) d.reference = String(this._reference);
    return d;
  };

  // close hides the widget, stops listening and calls onClose.
  Connect.prototype.close = function () {
    var c = global.document.getElementById(CONTAINER_ID);
    if (c) c.style.display = "none";
    (this._inerted || []).forEach(function (el) { el.inert = false; });
    this._inerted = [];
    if (this._listening) {
      global.removeEventListener("message", this._listener, false);
      this._listening = false;
    }
    if (this._returnFocus && this._returnFocus.focus) this._returnFocus.focus();
    this.onClose();
  };

  Connect.prototype._message = function (event) {
    if (event.origin !== origin()) return; // only sandbank's page speaks here
    var msg = event.data || {};
    var data = msg.data || {};
    switch (msg.type) {
      case "mono.connect.widget_opened":
        return; // open() said OPENED already, as the SDK does itself
      case "mono.connect.widget.account_linked":
        this.onSuccess(assign({}, data));
        this.onEvent("SUCCESS", data);
        this.close();
        return;
      case "mono.connect.widget.closed":
        this.close();
        return;
    }
    if (EVENTS[msg.type]) this.onEvent(EVENTS[msg.type], data);
  };

  return Connect;
}
