// "/" puts the cursor in the search box, as on most search sites.
document.addEventListener("keydown", (event) => {
  const box = document.getElementById("q");
  if (event.key === "/" && box && document.activeElement !== box && !/input|select|textarea/i.test(document.activeElement.tagName)) {
    event.preventDefault();
    box.focus();
  }
});
// Hovering a highlighted statement highlights every statement by the same speaker.
document.querySelectorAll("article.text mark").forEach((mark) => {
  const colour = [...mark.classList].find((c) => /^c\d$/.test(c));
  mark.addEventListener("mouseenter", () => document.querySelectorAll(`mark.${colour}`).forEach((m) => (m.style.outline = "2px solid #999")));
  mark.addEventListener("mouseleave", () => document.querySelectorAll(`mark.${colour}`).forEach((m) => (m.style.outline = "")));
});
