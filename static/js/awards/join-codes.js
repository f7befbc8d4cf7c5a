// The join codes page: the "Print the cards" button (the print stylesheet keeps only the cards).

for (const button of document.querySelectorAll('[data-action="print"]')) {
  button.addEventListener("click", () => window.print());
}
