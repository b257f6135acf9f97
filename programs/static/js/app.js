/* RehabPlan on the phone: the offline worker, logs kept on the phone until they can be sent, and the hold timer.
   Every page works without this file; it only adds to forms and buttons that are already there. */
"use strict";

(function () {
  const QUEUE_KEY = "rehabplan-log-queue";
  const RUNNER_KEY = "rehabplan-runner";
  const SAVED_OFFLINE = "Saved on this phone. It will be sent when you are back online.";
  const store = window.idbKeyval;
  const liveStatus = (form) => form && form.querySelector("[data-queue-status]");

  document.documentElement.classList.add("js");

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* A message at the top of the page, for news about logs that were waiting on the phone. */
  function announce(text, isError) {
    const main = document.querySelector("main");
    if (!main) return;
    let box = document.getElementById("queue-news");
    if (!box) {
      box = document.createElement("div");
      box.id = "queue-news";
      box.className = "messages";
      box.setAttribute("role", "status");
      main.prepend(box);
    }
    const line = document.createElement("p");
    line.className = isError ? "message error" : "message";
    line.textContent = text;
    box.append(line);
  }

  // ------------------------------------------------------------------ the queue of logs saved on the phone

  function formBody(form, submitter) {
    const body = new URLSearchParams(new FormData(form, submitter));
    // The header carries the token at send time; a token from an older sign-in in the body would be refused.
    body.delete("csrfmiddlewaretoken");
    return body.toString();
  }

  async function enqueue(form, submitter, message) {
    const clientId = form.elements.client_id ? form.elements.client_id.value : "";
    const item = {
      url: form.action,
      body: formBody(form, submitter),
      client_id: clientId,
      queued_at: new Date().toISOString(),
      // Whose log it is, so that it is never sent while someone else is signed in on this phone.
      runner: localStorage.getItem(RUNNER_KEY) || "",
    };
    // Saving the same form twice keeps the newest answers; the server stores a client id once anyway.
    await store.update(QUEUE_KEY, (queue) => (queue || []).filter((old) => !clientId || old.client_id !== clientId).concat([item]));
    const status = liveStatus(form);
    if (status) status.textContent = message || SAVED_OFFLINE;
  }

  async function dequeue(item) {
    await store.update(QUEUE_KEY, (queue) => (queue || []).filter((old) => old.queued_at !== item.queued_at || old.url !== item.url));
  }

  function signInPage(response) {
    return response.redirected && new URL(response.url).pathname.indexOf("/login") !== -1;
  }

  let replaying = null;

  async function replayQueue(runner) {
    const queue = ((await store.get(QUEUE_KEY)) || []).filter((item) => !item.runner || item.runner === runner);
    let sent = 0;
    let refused = 0;
    for (const item of queue) {
      let response;
      try {
        response = await fetch(item.url, {
          method: "POST",
          body: item.body,
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        });
      } catch (error) {
        break; // Still offline: everything stays for the next try.
      }
      // Signed out or a stale token: kept until the runner has logged in again.
      if (signInPage(response) || response.status === 403) {
        announce("Log in again to send what you saved on this phone.", true);
        break;
      }
      if (response.status >= 500 || response.status === 429) continue;
      await dequeue(item);
      if (response.status >= 400) refused += 1;
      else sent += 1;
    }
    if (sent) announce(sent === 1 ? "Sent: what you saved on this phone is now stored." : `Sent: ${sent} logs saved on this phone are now stored.`);
    if (refused) announce("Something you saved on this phone could not be stored (it may have been logged already). Please check Today.", true);
  }

  /* Online, the form goes out with fetch so a dropped connection can still keep it; the answer replaces the page
     just as a normal submit would have. */
  async function submitOnline(form, submitter) {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form, submitter)),
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
    } catch (error) {
      await enqueue(form, submitter);
      return;
    }
    if (response.status >= 500) {
      await enqueue(form, submitter, "Not saved yet: RehabPlan had a problem. It is kept on this phone and sent again later.");
      return;
    }
    // The form has been sent: whatever happens now, it must not go a second time.
    try {
      if ((response.headers.get("Content-Type") || "").indexOf("text/html") === -1) throw new Error("not a page");
      showPage(await response.text(), response, form);
    } catch (error) {
      location.assign(response.redirected ? response.url : location.href);
    }
  }

  function showPage(html, response, form) {
    const page = new DOMParser().parseFromString(html, "text/html");
    const cardId = form.closest("[id]") ? form.closest("[id]").id : "";
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    if (response.redirected) history.replaceState(null, "", response.url);
    if (window.htmx) window.htmx.process(document.body);
    setUp(document);
    const target = document.querySelector(".errorlist, .invalid") || (cardId && document.getElementById(cardId));
    if (target) target.scrollIntoView({ block: "start" });
    else window.scrollTo(0, 0);
    const news = document.querySelector(".messages, .errorlist");
    if (news) {
      news.setAttribute("tabindex", "-1");
      news.focus({ preventScroll: true });
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!store || !(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-queue")) return;
    if (form.method.toLowerCase() !== "post" || event.defaultPrevented) return;
    event.preventDefault();
    const button = event.submitter;
    if (button) button.disabled = true;
    const sending = navigator.onLine === false ? enqueue(form, event.submitter) : submitOnline(form, event.submitter);
    sending
      .catch(() => form.submit())
      .finally(() => { if (button && button.isConnected) button.disabled = false; });
  });

  // ------------------------------------------------------------------ the worker and the pages kept offline

  /* Who is signed in, and the pages to keep for them; nothing when offline, signed out or not a runner. */
  async function signedInRunner() {
    if (navigator.onLine === false || !document.body.dataset.runner) return null;
    try {
      const response = await fetch("/offline-pages.json", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || response.redirected) return null;
      const answer = await response.json();
      if (typeof answer.runner === "string") localStorage.setItem(RUNNER_KEY, answer.runner);
      return answer;
    } catch (error) {
      return null;
    }
  }

  /* After each online page load and on coming back online: send what waits on the phone, refresh the kept pages. */
  async function catchUp() {
    const runner = await signedInRunner();
    if (!runner) {
      const waiting = store && navigator.onLine !== false ? (await store.get(QUEUE_KEY)) || [] : [];
      if (waiting.length) announce("Log in to send what you saved on this phone.", true);
      return;
    }
    if (store && !replaying) replaying = replayQueue(runner.runner).catch(() => {}).finally(() => { replaying = null; });
    if ("serviceWorker" in navigator && Array.isArray(runner.pages)) {
      const registration = await navigator.serviceWorker.ready;
      if (registration.active) registration.active.postMessage({ type: "keep-pages", urls: runner.pages });
    }
  }

  function startWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    // Signing out forgets the pages kept for this runner, so the next person on the phone cannot read them.
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && /\/logout\/?$/.test(new URL(form.action, location.href).pathname)) {
        const worker = navigator.serviceWorker.controller;
        if (worker) worker.postMessage({ type: "forget-pages" });
      }
    });
  }

  // ------------------------------------------------------------------ the hold timer

  function timeText(seconds) {
    if (seconds < 60) return `${seconds} s`;
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function setUpTimer(button) {
    if (button.dataset.timerReady) return;
    const total = parseInt(button.dataset.seconds, 10);
    if (!(total > 0)) return;
    button.dataset.timerReady = "1";
    const label = button.textContent;
    const status = document.createElement("span");
    status.className = "hold-status";
    status.setAttribute("aria-live", "polite");
    button.after(status);
    let timer = null;
    let wakeLock = null;

    function stop(message) {
      clearInterval(timer);
      timer = null;
      if (wakeLock) wakeLock.release().catch(() => {});
      wakeLock = null;
      button.textContent = label;
      button.removeAttribute("aria-pressed");
      status.textContent = message;
    }

    button.addEventListener("click", () => {
      if (timer) {
        stop("Stopped.");
        return;
      }
      const ends = Date.now() + total * 1000;
      let announced = total;
      button.setAttribute("aria-pressed", "true");
      // The phone lies on the floor during a hold: keep the screen on so the countdown and the buzz arrive.
      if (navigator.wakeLock) navigator.wakeLock.request("screen").then((lock) => { wakeLock = lock; }).catch(() => {});
      button.textContent = `Stop · ${timeText(total)} left`;
      status.textContent = `Started: hold for ${timeText(total)}.`;
      timer = setInterval(() => {
        const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        if (left === 0) {
          stop(`Done: ${timeText(total)}. Well held.`);
          if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
          return;
        }
        button.textContent = `Stop · ${timeText(left)} left`;
        // Screen readers hear every ten seconds, not every tick.
        if (left % 10 === 0 && left !== announced) {
          announced = left;
          status.textContent = `${timeText(left)} left.`;
        }
      }, 250);
    });
  }

  function setUp(root) {
    root.querySelectorAll("form[data-offline-queue] input[name='client_id']").forEach((input) => {
      if (!input.value && window.crypto && crypto.randomUUID) input.value = crypto.randomUUID();
    });
    root.querySelectorAll("button.hold-timer[data-seconds]").forEach(setUpTimer);
  }

  setUp(document);
  if (navigator.onLine === false) {
    announce("You are offline: this is the copy from when you last opened this page. What you log is kept on this phone and sent when you are back online.");
  }
  document.addEventListener("htmx:load", (event) => setUp(event.target));
  window.addEventListener("online", () => { catchUp().catch(() => {}); });
  startWorker();
  catchUp().catch(() => {});
})();
