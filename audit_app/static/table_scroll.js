// Shows the hint above a wide table while the table is wider than its box (a
// phone, a narrow window): the box then scrolls sideways, which nothing else
// shows. The hint is the element a box names in aria-describedby; several boxes
// may share one (the checklist's table per outcome): it shows while any scrolls.
export function markScrollingTables() {
  const boxes = document.querySelectorAll(".app-table-scroll[aria-describedby]");
  const byHint = new Map();
  for (const box of boxes) {
    const hint = document.getElementById(box.getAttribute("aria-describedby"));
    if (!hint) continue;
    if (!byHint.has(hint)) byHint.set(hint, []);
    byHint.get(hint).push(box);
  }
  for (const [hint, shared] of byHint) {
    const update = () => {
      hint.hidden = !shared.some((box) => box.scrollWidth > box.clientWidth + 1);
    };
    const observer = new ResizeObserver(update);
    for (const box of shared) observer.observe(box);
  }
}
