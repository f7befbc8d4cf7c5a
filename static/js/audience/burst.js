// A short burst of reaction symbols rising in ``container`` (CSS: .audience-bubble); nothing
// at all when the visitor prefers reduced motion.

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export function burst(container, counts, symbols) {
  if (reducedMotion.matches || !container) return;
  for (const [kind, count] of Object.entries(counts)) {
    for (let index = 0; index < Math.min(count, 6); index += 1) {
      const bubble = document.createElement("span");
      bubble.className = "audience-bubble";
      bubble.textContent = symbols[kind] || "";
      bubble.style.setProperty("--x", `${Math.round(Math.random() * 90)}%`);
      bubble.style.setProperty("--delay", `${index * 120}ms`);
      bubble.addEventListener("animationend", () => bubble.remove());
      container.append(bubble);
    }
  }
}
