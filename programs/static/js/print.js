/* The printable program's Print button: shown only when this script runs, so the page without JavaScript offers
   no button that does nothing (the browser's own Print command works either way). */
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
