// Copy buttons of the pages that show something to paste elsewhere (a share link, a webhook's or a survey source's
// secret, an endpoint URL): a button with data-copy="<selector of the field>" copies the field's value and then
// says data-copied; the field stays selectable for a manual copy (data-select-all selects it on focus and click:
// the pages have no inline event handlers, the Content Security Policy forbids them).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy"); // no clipboard API outside a secure context (plain http on a LAN address)
  }
  // The first text of the button: a visually hidden part after it (which field) stays.
  button.firstChild.textContent = button.dataset.copied;
});
const selectAll = (event) => {
  if (event.target.matches("[data-select-all]")) event.target.select();
};
document.addEventListener("focusin", selectAll);
document.addEventListener("click", selectAll); // a click into the field that already has the focus selects it again
