/* Settings → Notifications on this phone: subscribe this browser to Web Push through the service worker and tell
   the server, or unsubscribe and tell the server. The section stays hidden where the browser cannot do it. */
"use strict";

(function () {
  const section = document.querySelector("[data-push]");
  if (!section || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  const onButton = section.querySelector("[data-push-on]");
  const offButton = section.querySelector("[data-push-off]");
  const status = section.querySelector("[data-push-status]");

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* applicationServerKey wants bytes; the server gives URL-safe base64. */
  function keyBytes(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Error(answer.detail || "The server did not answer. Try again in a moment.");
    }
  }

  function show(subscribed, message) {
    onButton.hidden = subscribed;
    offButton.hidden = !subscribed;
    status.textContent = message || (subscribed ? "Notifications are on for this phone." : "");
  }

  async function turnOn() {
    onButton.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        show(false, "Notifications are blocked for this site. Allow them in your browser's site settings, then try again.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.dataset.publicKey),
      });
      await post(section.dataset.subscribeUrl, subscription.toJSON());
      show(true);
    } catch (error) {
      show(false, "Notifications could not be turned on. " + (error.message || ""));
    } finally {
      onButton.disabled = false;
    }
  }

  async function turnOff() {
    offButton.disabled = true;
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await post(section.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      show(false, "Notifications are off for this phone.");
    } catch (error) {
      show(true, "Notifications could not be turned off. " + (error.message || ""));
    } finally {
      offButton.disabled = false;
    }
  }

  onButton.addEventListener("click", () => { turnOn(); });
  offButton.addEventListener("click", () => { turnOff(); });
  section.hidden = false;
  navigator.serviceWorker.ready
    .then((registration) => registration.pushManager.getSubscription())
    .then((subscription) => show(Boolean(subscription) && Notification.permission === "granted"))
    .catch(() => show(false));
})();
