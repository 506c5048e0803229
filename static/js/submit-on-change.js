// A form field marked data-submit-on-change submits its form as soon as it changes (the language
// menu). Kept in a file, not an inline handler: the Content-Security-Policy allows scripts from
// this site only. Without JavaScript the form's own button does the same.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.matches("[data-submit-on-change]") && field.form) {
    field.form.submit();
  }
});
