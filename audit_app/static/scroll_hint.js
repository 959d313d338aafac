// A table wider than its box scrolls sideways inside it (.app-table-scroll), and on
// a narrow screen its last columns are simply out of sight: nothing shows that they
// exist. While a box scrolls, a sentence above it says so; it goes when the window
// is wide enough for the whole table. Without JavaScript the table still scrolls.
const HINT = "app-scroll-hint";
const WORDS = "This table is wider than the screen: scroll it sideways to see every column.";

function hintOf(box) {
  const before = box.previousElementSibling;
  return before && before.classList.contains(HINT) ? before : null;
}

function update(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1;
  let hint = hintOf(box);
  if (scrolls && !hint) {
    hint = document.createElement("p");
    hint.className = `govuk-body-s app-no-print ${HINT}`;
    hint.textContent = WORDS;
    box.before(hint);
  }
  if (hint) {
    hint.hidden = !scrolls;
  }
}

export function markScrollingTables() {
  const boxes = [...document.querySelectorAll(".app-table-scroll")];
  const updateAll = () => boxes.forEach(update);
  updateAll();
  window.addEventListener("resize", updateAll);
}
