// Keeps a page that waits for background work (the PDF of a report, an import of
// questionnaire answers) up to date
// without reloading it. Every 2 seconds it fetches the page again; when the state
// has changed it copies the new sentence into the live region (role="status", so
// a screen reader announces each change once) and swaps the detail below it.
// It stops once the work has finished. Without JavaScript the page offers a
// plain "Check again" link instead; no meta refresh, which would make a screen
// reader start the page again every time.
import { initAll } from "./build/govuk-frontend.min.js";

const EVERY_MS = 2000;

async function check(job) {
  let page;
  try {
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return true;
    page = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return true; // offline for a moment: try again next time
  }
  const fresh = page.getElementById(job.id);
  if (!fresh) return false;
  if (fresh.dataset.state !== job.dataset.state) {
    const detail = document.importNode(fresh.querySelector("[data-poll-detail]"), true);
    job.querySelector("[data-poll-detail]").replaceWith(detail);
    job.querySelector("[data-poll-status]").textContent =
      fresh.querySelector("[data-poll-status]").textContent;
    job.dataset.state = fresh.dataset.state;
    // Text outside the job that follows its state too (the page's heading).
    for (const also of document.querySelectorAll("[data-poll-also]")) {
      const fresher = page.getElementById(also.id);
      if (fresher) also.textContent = fresher.textContent;
    }
    document.title = page.title;
    initAll({ scope: detail });
  }
  return fresh.dataset.poll === "on";
}

export function startPolling(scope = document) {
  for (const job of scope.querySelectorAll('[data-poll="on"]')) {
    const hint = job.querySelector("[data-poll-hint]");
    if (hint) hint.hidden = false;
    const tick = async () => {
      if (await check(job)) {
        window.setTimeout(tick, EVERY_MS);
      } else {
        job.dataset.poll = "off";
        if (hint) hint.hidden = true;
      }
    };
    window.setTimeout(tick, EVERY_MS);
  }
}
