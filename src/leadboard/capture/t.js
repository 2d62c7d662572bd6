/* Leadboard tracking script (SPEC 6.1), served by Leadboard at /t.js. Add it to every page:
 *
 *   <script src="https://LEADBOARD/t.js" async></script>
 *
 * It keeps two first-party cookies on the site's own domain:
 *   _lb_ft     the first touch: written once, never overwritten;
 *   _lb_visit  the current visit: the landing page of this session. A new visit starts after
 *              30 minutes without a page view, or on a landing with UTM tags, a click id or an
 *              external referrer; the site's own pages never start one.
 * Each holds a URL-encoded query string: utm_source, utm_medium, utm_campaign, utm_term,
 * utm_content, utm_id, gclid, fbclid, msclkid, ttclid (as on the landing URL), ref (the referrer's
 * domain) and at (the browser's time of the landing, ms since 1970); the visit cookie also keeps
 * `last`, the time of the latest page view.
 *
 * Forms that post to this Leadboard (action .../capture/forms/KEY, or marked data-leadboard) get
 * two hidden inputs, lb_ft and lb_visit, filled when the page loads and again when the form is
 * submitted. For posts made with fetch(), window.leadboard.fields() returns the same two fields.
 *
 * Option (an attribute of the script tag): data-cookie-domain="example.com" shares the cookies
 * between example.com and its subdomains; referrers from that domain then count as the site's own.
 */
(function () {
  "use strict";
  var FIRST_TOUCH = "_lb_ft";
  var VISIT = "_lb_visit";
  var SESSION_MS = 30 * 60 * 1000;
  var KEEP_SECONDS = 400 * 24 * 3600; // browsers keep a cookie at most ~400 days
  var KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "gclid", "fbclid", "msclkid", "ttclid"];
  var MAX_VALUE = 500;

  var script = document.currentScript;
  var base = "";
  try {
    base = script && script.src ? new URL(script.src).origin : "";
  } catch (e) {
    base = "";
  }
  var cookieDomain = (script && script.getAttribute("data-cookie-domain")) || "";
  var ownDomain = bare(cookieDomain || location.hostname);

  function bare(host) {
    return String(host || "").toLowerCase().replace(/^\./, "").replace(/\.$/, "").replace(/^www\./, "");
  }

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split(/;\s*/) : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(name + "=") === 0) {
        try {
          return decodeURIComponent(parts[i].slice(name.length + 1));
        } catch (e) {
          return null;
        }
      }
    }
    return null;
  }

  function writeCookie(name, value) {
    var cookie = name + "=" + encodeURIComponent(value) + "; path=/; max-age=" + KEEP_SECONDS +
      "; SameSite=Lax";
    if (cookieDomain) cookie += "; domain=" + cookieDomain;
    if (location.protocol === "https:") cookie += "; Secure";
    document.cookie = cookie;
  }

  function parse(text) {
    if (!text) return null;
    var found = {};
    var any = false;
    new URLSearchParams(text).forEach(function (value, key) {
      found[key] = value;
      any = true;
    });
    return any ? found : null;
  }

  function serialise(tuple, skip) {
    var params = new URLSearchParams();
    for (var key in tuple) {
      if (Object.prototype.hasOwnProperty.call(tuple, key) && key !== skip && tuple[key] !== "") {
        params.append(key, tuple[key]);
      }
    }
    return params.toString();
  }

  function referrerDomain() {
    if (!document.referrer) return "";
    var host;
    try {
      host = bare(new URL(document.referrer).hostname);
    } catch (e) {
      return "";
    }
    if (!host || host === ownDomain || host.slice(-(ownDomain.length + 1)) === "." + ownDomain) {
      return ""; // the site's own pages are never a referrer
    }
    return host;
  }

  // This page view: continue the current visit or start a new one; keep the first touch.
  var now = Date.now();
  var query = new URLSearchParams(location.search);
  var landing = {};
  var tagged = false;
  KEYS.forEach(function (key) {
    var value = query.get(key);
    if (value) {
      landing[key] = value.slice(0, MAX_VALUE);
      tagged = true;
    }
  });
  var ref = referrerDomain();
  var visit = parse(readCookie(VISIT));
  var last = visit ? Number(visit.last) : NaN;
  if (!visit || !(now - last <= SESSION_MS) || tagged || ref) {
    visit = landing;
    if (ref) visit.ref = ref;
    visit.at = String(now);
  }
  visit.last = String(now);
  writeCookie(VISIT, serialise(visit));
  var firstTouch = parse(readCookie(FIRST_TOUCH));
  if (!firstTouch) {
    firstTouch = parse(serialise(visit, "last")) || {};
    writeCookie(FIRST_TOUCH, serialise(firstTouch));
  }

  function fields() {
    return { lb_ft: serialise(firstTouch), lb_visit: serialise(visit, "last") };
  }

  function isLeadboardForm(form) {
    if (form.hasAttribute("data-leadboard")) return true;
    try {
      var action = new URL(form.getAttribute("action") || "", location.href);
      return action.origin === base && action.pathname.indexOf("/capture/forms/") === 0;
    } catch (e) {
      return false;
    }
  }

  function attach(form) {
    var values = fields();
    for (var name in values) {
      var input = null;
      for (var i = 0; i < form.elements.length; i++) {
        if (form.elements[i].name === name) input = form.elements[i];
      }
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        form.appendChild(input);
      }
      input.value = values[name];
    }
  }

  function attachAll() {
    for (var i = 0; i < document.forms.length; i++) {
      if (isLeadboardForm(document.forms[i])) attach(document.forms[i]);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.tagName === "FORM" && isLeadboardForm(form)) attach(form);
  }, true);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", attachAll);
  } else {
    attachAll();
  }

  window.leadboard = {
    fields: fields,
    attach: attach,
    firstTouch: function () { return parse(serialise(firstTouch)); },
    visit: function () { return parse(serialise(visit, "last")); }
  };
})();
