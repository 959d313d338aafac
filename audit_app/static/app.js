// Starts GOV.UK Frontend's components (error summary focus, radios, navigation...)
// and our own small behaviours.
import { initAll } from "./build/govuk-frontend.min.js";
import { startPolling } from "./poll.js";
import { markScrollingTables } from "./table_scroll.js";

initAll();
startPolling();
markScrollingTables();
