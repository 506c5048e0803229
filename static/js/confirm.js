// A form marked data-confirm asks before it is sent, in the words of the attribute (the gate's
// "Advance": what will happen). In a file, not an inline handler: the Content-Security-Policy
// allows scripts from this site only. Without JavaScript the same words stand beside the button.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
