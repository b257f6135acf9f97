// Sign-up and the intake: the browser's own time zone goes in the hidden field, so the runner's days and reminders
// follow where they are. The server keeps it only when it knows the name. Loaded on those pages only: the shared
// scripts stay within Today's byte budget.
"use strict";
document.querySelectorAll("input[data-browser-timezone]").forEach((input) => {
  if (!input.value && window.Intl) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
});
