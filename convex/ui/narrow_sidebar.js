// On a narrow screen Streamlit lays the sidebar over the page: once a control in it has changed
// the view (a run that started after a touch or a key in the sidebar, or in a list it opened,
// has ended), close it so the reader sees what changed. Installed once per page load.
(() => {
  if (window.convexNarrowSidebar) return;
  window.convexNarrowSidebar = true;
  const narrow = window.matchMedia("(max-width: 767.98px)");
  const fromSidebar = (node) =>
    node instanceof Element &&
    node.closest('[data-testid="stSidebar"], [data-baseweb="popover"], [role="listbox"]') !== null;
  let touched = false;
  let changed = false;
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, (event) => { touched = fromSidebar(event.target); }, true);
  }
  new MutationObserver(() => {
    const state = document.querySelector('[data-testid="stApp"]')?.getAttribute("data-test-script-state");
    if (state === "running" && touched) changed = true;
    if (state !== "notRunning" || !changed) return;
    changed = false;
    touched = false;
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (narrow.matches && sidebar?.getAttribute("data-collapsed") === "false") {
      document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-test-script-state"] });
})();
