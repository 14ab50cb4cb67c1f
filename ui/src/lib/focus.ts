// Moving focus for keyboard and screen-reader users. Kept in one place so every screen
// behaves the same way.

/** Class that hides the focus outline on a non-interactive element we focused by script. */
const SCRIPT_FOCUSED_CLASS = "govuk-skip-link-focused-element";

/** Focus the page's main heading, so a screen reader reads the new page from its top. */
export function focusPageHeading(root: ParentNode = document): boolean {
  const heading = root.querySelector<HTMLElement>("#main-content h1");
  if (!heading) return false;
  // Start from the top of the window, as a new page in a browser would, then focus
  // without scrolling so the header stays in view.
  document.documentElement.scrollTop = 0;
  heading.focus({ preventScroll: true });
  return document.activeElement === heading;
}

/** Focus an element that is not normally focusable, the way govuk-frontend does: tabindex
 * only while it has focus. The skip link's target hides its outline (it is the whole page);
 * an error summary keeps govuk's yellow focus outline, so sighted users see where they are. */
export function focusNonInteractive(element: HTMLElement, { showOutline = false } = {}): void {
  const hadTabIndex = element.hasAttribute("tabindex");
  if (!hadTabIndex) element.setAttribute("tabindex", "-1");
  if (!showOutline) element.classList.add(SCRIPT_FOCUSED_CLASS);
  element.addEventListener(
    "blur",
    () => {
      element.classList.remove(SCRIPT_FOCUSED_CLASS);
      if (!hadTabIndex) element.removeAttribute("tabindex");
    },
    { once: true },
  );
  element.focus();
}
