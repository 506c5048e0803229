// The program form (data-program-form), kept in a file: the Content-Security-Policy allows
// scripts from this site only. Without JavaScript the form works the same, with less help:
// the short name is typed, "Add a partner" sends the form back with one more row (nothing is
// saved), and a name that is too long gets the server's message.
(() => {
  const form = document.querySelector("form[data-program-form]");
  if (!form) return;

  // The short name follows the name until the person edits it themselves.
  const name = form.querySelector("#id_name");
  const slug = form.querySelector("#id_slug");
  const slugify = (text, limit) => {
    let value = text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    if (limit && value.length > limit) {
      value = value.slice(0, limit);
      // Cut at a hyphen rather than mid-word when one is near.
      const hyphen = value.lastIndexOf("-");
      if (hyphen > limit / 2) value = value.slice(0, hyphen);
      value = value.replace(/-+$/, "");
    }
    return value;
  };
  if (name && slug) {
    const limit = Number(slug.dataset.maxLength) || 0;
    let followsName = slug.value === "" || slug.value === slugify(name.value, limit);
    slug.addEventListener("input", () => {
      followsName = slug.value === "";
    });
    name.addEventListener("input", () => {
      if (followsName) slug.value = slugify(name.value, limit);
    });
  }

  // A field with data-max-length says, while typing, that it is too long (nothing is cut).
  form.querySelectorAll("[data-max-length]").forEach((field) => {
    const limit = Number(field.dataset.maxLength);
    if (!limit) return;
    const note = document.createElement("div");
    note.className = "form-text text-danger";
    note.id = `${field.id}_length`;
    note.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", note);
    const template = form.dataset.tooLong || "";
    const update = () => {
      const length = field.value.length;
      note.textContent =
        length > limit
          ? template.replace("{length}", length).replace("{limit}", limit)
          : "";
    };
    field.addEventListener("input", update);
    update();
  });

  // "Add a partner": a copy of the empty row, numbered, without sending the form.
  const button = form.querySelector("[data-add-partner]");
  const rows = form.querySelector("#partner-rows");
  const template = form.querySelector("#partner-template");
  const total = form.querySelector("#id_partners-TOTAL_FORMS");
  const maximum = form.querySelector("#id_partners-MAX_NUM_FORMS");
  if (button && rows && template && total) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const index = Number(total.value);
      if (maximum && index >= Number(maximum.value)) return;
      const row = template.content.firstElementChild.cloneNode(true);
      row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach((element) => {
        for (const attribute of ["id", "name", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replaceAll("__prefix__", index));
        }
      });
      rows.appendChild(row);
      total.value = String(index + 1);
      row.querySelector("select, input")?.focus();
    });
  }
})();
