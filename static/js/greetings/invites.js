// The upload links page: a new link's field selects its whole text when focused, ready to copy.

for (const field of document.querySelectorAll("input[data-select-on-focus]")) {
  field.addEventListener("focus", () => field.select());
}
