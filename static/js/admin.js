// The admin's small conveniences; every page works without them.
// - forms with data-confirm ask before they are sent (delete, deactivate);
// - after "move up/down" the page reloads with the focus back on the same button;
// - on the event form, the per-language inputs follow the ticked languages;
// - repeatable rows (the authors of an entry) get an "add another" button.

const FOCUS_KEY = "admin-focus-after-move";

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

for (const form of document.querySelectorAll("form[data-move]")) {
  form.addEventListener("submit", () => sessionStorage.setItem(FOCUS_KEY, form.dataset.move));
}

function restoreFocusAfterMove() {
  const remembered = sessionStorage.getItem(FOCUS_KEY);
  if (!remembered) return;
  sessionStorage.removeItem(FOCUS_KEY);
  const [rowId] = remembered.split(":");
  const row = document.getElementById(rowId);
  if (!row) return;
  const wanted = row.querySelector(`form[data-move="${remembered}"] button`);
  // At the top (or bottom) that button is disabled; the other one still moves the row.
  const target = wanted && !wanted.disabled ? wanted : row.querySelector("form[data-move] button:not([disabled])");
  if (target) target.focus();
  row.classList.add("just-moved");
}
// After "load": the browser's own jump to the row's #fragment would otherwise take the focus.
if (document.readyState === "complete") restoreFocusAfterMove();
else window.addEventListener("load", () => requestAnimationFrame(restoreFocusAfterMove));

function followLanguageBoxes() {
  const boxes = document.querySelectorAll('input[type="checkbox"][name="languages"]');
  if (!boxes.length) return;
  const update = () => {
    const chosen = new Set([...boxes].filter((box) => box.checked).map((box) => box.value));
    for (const column of document.querySelectorAll(".translated__language[data-lang]")) {
      column.hidden = chosen.size > 0 && !chosen.has(column.dataset.lang);
    }
  };
  for (const box of boxes) box.addEventListener("change", update);
  update();
}
followLanguageBoxes();

function repeatableRows() {
  for (const list of document.querySelectorAll("ol[data-repeat]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small";
    button.textContent = list.dataset.addLabel || "+";
    button.addEventListener("click", () => {
      const rows = list.querySelectorAll(":scope > li");
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const index = rows.length;
      for (const element of copy.querySelectorAll("[id], [name], [for], [aria-describedby]")) {
        for (const attribute of ["id", "name", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(/-\d+-/g, `-${index}-`));
        }
      }
      for (const input of copy.querySelectorAll("input")) input.value = "";
      for (const stale of copy.querySelectorAll(".field-error")) stale.remove();
      list.append(copy);
      copy.querySelector("input")?.focus();
    });
    list.after(button);
  }
}
repeatableRows();
