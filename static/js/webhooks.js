// A webhook's page: copy the signing secret to the clipboard (its field stays selectable for a manual copy).
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
  button.textContent = button.dataset.copied;
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-all]")) event.target.select();
});
