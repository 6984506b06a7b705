/* Opens a password-protected Milepost page (see publish/protection.py, which wrote it).
 *
 * The page holds its real HTML encrypted with AES-256-GCM under a key derived from the
 * password with PBKDF2-HMAC-SHA256. This script derives the key with the browser's own
 * WebCrypto (no library, nothing loaded from elsewhere), decrypts the page and shows it. The
 * key is kept in this tab's sessionStorage, so the next page opens without asking again.
 * Once the page is shown, requests for the search index get the decrypted index, and a click
 * on a feed link downloads a decrypted copy of the file.
 */
(function () {
  "use strict";

  var holder = document.getElementById("milepost-locked");
  if (!holder) {
    return;
  }
  var payload = JSON.parse(holder.textContent);
  var root = holder.getAttribute("data-root") || "./";
  var storageKey = "milepost-key:" + payload.salt;
  var form = document.getElementById("milepost-unlock");
  var input = document.getElementById("milepost-password");
  var button = document.getElementById("milepost-open");
  var wrong = document.getElementById("milepost-error");
  var unsupported = document.getElementById("milepost-unsupported");
  var SEALED = ".enc";

  function bytes(base64) {
    var text = atob(base64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) {
      out[i] = text.charCodeAt(i);
    }
    return out;
  }

  function base64(buffer) {
    var view = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < view.length; i += 1) {
      text += String.fromCharCode(view[i]);
    }
    return btoa(text);
  }

  function remembered(value) {
    try {
      if (value === undefined) {
        return window.sessionStorage.getItem(storageKey);
      }
      if (value === null) {
        window.sessionStorage.removeItem(storageKey);
      } else {
        window.sessionStorage.setItem(storageKey, value);
      }
    } catch (err) {
      // Storage can be switched off; then the password is asked on every page.
    }
    return null;
  }

  function deriveKey(password) {
    var encoded = new TextEncoder().encode(password.normalize("NFC"));
    return crypto.subtle
      .importKey("raw", encoded, "PBKDF2", false, ["deriveKey"])
      .then(function (material) {
        return crypto.subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes(payload.salt), iterations: payload.iterations },
          material,
          { name: "AES-GCM", length: 256 },
          true,
          ["decrypt"]
        );
      });
  }

  function decrypt(key, iv, data) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: iv }, key, data);
  }

  function decryptFile(key, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("not found: " + url);
      }
      return response.arrayBuffer().then(function (buffer) {
        var all = new Uint8Array(buffer);
        return decrypt(key, all.slice(0, 12), all.slice(12));
      });
    });
  }

  function searchIndexUrl(key) {
    return decryptFile(key, root + "search/search_index.json" + SEALED).then(
      function (plain) {
        return URL.createObjectURL(new Blob([plain], { type: "application/json" }));
      },
      function () {
        return null; // no index (or opened from disk): the page works without search
      }
    );
  }

  function serveDecryptedIndex(indexUrl) {
    // The theme asks for search/search_index.json with XMLHttpRequest; give it the plain copy.
    var original = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (method, url) {
      var args = Array.prototype.slice.call(arguments);
      if (indexUrl && /(^|\/)search\/search_index\.json(\?.*)?$/.test(String(url))) {
        args[1] = indexUrl;
      }
      return original.apply(this, args);
    };
  }

  function downloadDecrypted(key) {
    document.addEventListener(
      "click",
      function (event) {
        var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
        if (!link || link.hasAttribute("download") || event.defaultPrevented || event.button !== 0) {
          return;
        }
        var url = new URL(link.getAttribute("href"), document.baseURI);
        var name = url.pathname.split("/").pop();
        var local = /^https?:$/.test(url.protocol) && url.origin === window.location.origin;
        if (!local || !name || /\.html?$/.test(name) || url.hash || link.target === "_blank") {
          return;
        }
        event.preventDefault();
        decryptFile(key, url.href.split("#")[0] + SEALED).then(
          function (plain) {
            var save = document.createElement("a");
            save.href = URL.createObjectURL(new Blob([plain]));
            save.download = name;
            document.body.appendChild(save);
            save.click();
            save.remove();
          },
          function () {
            window.location.href = url.href; // not one of the encrypted files after all
          }
        );
      },
      true
    );
  }

  function show(key) {
    return decrypt(key, bytes(payload.iv), bytes(payload.data)).then(function (plain) {
      var html = new TextDecoder().decode(plain);
      return searchIndexUrl(key).then(function (indexUrl) {
        serveDecryptedIndex(indexUrl);
        document.open();
        document.write(html);
        document.close();
        downloadDecrypted(key);
      });
    });
  }

  function ask() {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      wrong.hidden = true;
      button.disabled = true;
      var label = button.textContent;
      button.textContent = button.getAttribute("data-busy") || label;
      deriveKey(input.value)
        .then(function (key) {
          return decrypt(key, bytes(payload.iv), bytes(payload.data)).then(function () {
            return crypto.subtle.exportKey("raw", key).then(function (raw) {
              remembered(base64(raw));
              return show(key);
            });
          });
        })
        .catch(function () {
          button.disabled = false;
          button.textContent = label;
          wrong.hidden = false;
          input.select();
          input.focus();
        });
    });
    input.focus();
  }

  if (!window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    // WebCrypto exists only on https:// (and on this computer); plain http:// cannot open it.
    unsupported.hidden = false;
    input.disabled = true;
    button.disabled = true;
    return;
  }
  var stored = remembered();
  if (stored) {
    crypto.subtle
      .importKey("raw", bytes(stored), { name: "AES-GCM" }, false, ["decrypt"])
      .then(show)
      .catch(function () {
        remembered(null);
        ask();
      });
  } else {
    ask();
  }
})();
