() => {
  // Run in each page by test_pages_browser.py: sideways overflow, and each label
  // against the control it names.
  const root = document.documentElement;
  const fields = "select, textarea, input:not([type=checkbox]):not([type=radio]):not([type=hidden])";
  // A closed <details> draws nothing of its content, whatever sizes Chromium reports for it.
  const hidden = e => e.closest("details:not([open])") && !e.closest("summary");
  const shown = [...document.querySelectorAll(fields)]
    .filter(c => c.getBoundingClientRect().width && !hidden(c));
  const misplaced = [];
  for (const label of document.querySelectorAll("label[for]")) {
    const own = document.getElementById(label.htmlFor);
    const a = label.getBoundingClientRect();
    // Not shown (a closed <details>), or read to screen readers only (.visually-hidden).
    if (!own || !own.matches(fields) || a.width <= 1 || !own.getBoundingClientRect().width) continue;
    if (hidden(label)) continue;
    // The first field below the label, in the label's column, must be its own.
    let nearest = null, top = Infinity;
    for (const control of shown) {
      const b = control.getBoundingClientRect();
      const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0;
      if (overlap && b.top >= a.bottom - 2 && b.top < top) { nearest = control; top = b.top; }
    }
    if (nearest !== own) misplaced.push(label.htmlFor);
  }
  // What sticks out on the right (the innermost elements), to say where in the report.
  const beyond = [...document.body.querySelectorAll("*")]
    .filter(e => {
      const box = e.getBoundingClientRect();  // the box, or the text that overflows it
      return box.width && Math.max(box.right, box.left + e.scrollWidth) > root.clientWidth + 1;
    });
  const wide = beyond.filter(e => !beyond.some(o => o !== e && e.contains(o))).slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "") + " " + e.textContent.trim().slice(0, 30));
  const scrolling = [...document.querySelectorAll(".table-scroll")]
    .filter(e => e.scrollWidth > e.clientWidth).map(e => e.getAttribute("aria-label"));
  return {scroll: root.scrollWidth, client: root.clientWidth, misplaced, wide, scrolling};
}
