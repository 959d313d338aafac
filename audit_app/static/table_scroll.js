// A table wider than its box scrolls sideways inside it (.app-table-scroll), and on
// a narrow screen its last columns are simply out of sight: nothing shows that they
// exist. While a box scrolls, a sentence above it (.app-scroll-hint) says so; it goes
// when the box is wide enough for the whole table. Without JavaScript the table
// still scrolls and no sentence shows.
//
// A box may name its own sentence in aria-describedby (the ratings and checklist
// grids say which column stays in view), and several boxes may share one (the
// checklist's table per outcome): it shows while any of them scrolls. A box that
// names none gets the general sentence, made here.
const HINT = "app-scroll-hint";
const WORDS = "This table is wider than the screen: scroll it sideways to see every column.";

function hintFor(box) {
  const named = box.getAttribute("aria-describedby");
  if (named) {
    return document.getElementById(named);
  }
  const hint = document.createElement("p");
  hint.className = `govuk-body-s app-no-print ${HINT}`;
  hint.textContent = WORDS;
  hint.hidden = true;
  box.before(hint);
  return hint;
}

export function markScrollingTables() {
  const byHint = new Map();
  for (const box of document.querySelectorAll(".app-table-scroll")) {
    const hint = hintFor(box);
    if (!hint) continue;
    if (!byHint.has(hint)) byHint.set(hint, []);
    byHint.get(hint).push(box);
  }
  for (const [hint, boxes] of byHint) {
    const update = () => {
      hint.hidden = !boxes.some((box) => box.scrollWidth > box.clientWidth + 1);
    };
    const observer = new ResizeObserver(update);
    for (const box of boxes) observer.observe(box);
  }
}
