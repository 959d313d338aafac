// Starts GOV.UK Frontend's components (error summary focus, radios, navigation...).
import { initAll } from "./build/govuk-frontend.min.js";

initAll();
