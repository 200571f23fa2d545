// The demo app's front end: what a web developer writes with @mono.co/connect.js,
// here against sandbank's drop-in (/connect.js). The code goes to the app's own
// server, which holds the secret key.
(function () {
  "use strict";
  var key = document.body.getAttribute("data-key");

  function connectWith(onSuccess) {
    return new window.Connect({
      key: key,
      reference: "demo-" + Date.now(),
      onSuccess: onSuccess,
      onEvent: function (name, data) {
        if (window.console) console.log("connect event", name, data);
      }
    });
  }

  // Without this script the buttons post their forms: the server sends the
  // browser to a v2 hosted link instead.
  var link = document.querySelector("[data-link]");
  if (link) {
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      var connect = connectWith(function (data) {
        var form = document.querySelector("[data-link-form]");
        form.elements.code.value = data.code;
        form.submit();
      });
      connect.setup();
      connect.open();
    });
  }

  var reauth = document.querySelector("[data-reauthorise]");
  if (reauth) {
    reauth.addEventListener("click", function (ev) {
      ev.preventDefault();
      var connect = connectWith(function () {
        document.querySelector("[data-reauthorised-form]").submit();
      });
      connect.reauthorise(reauth.getAttribute("data-reauthorise"));
      connect.open();
    });
  }
})();
