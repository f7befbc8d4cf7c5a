// The audience's questions as the snapshot and the updates describe them (PROTOCOL.md 1.1):
// the same rules as conference/audience/questions.py's appliers, shared by the attendee
// page, the console and the screen view.

/** Most upvotes first; among equals, the earlier question first. */
export function sortQuestions(rows) {
  return [...rows].sort(
    (a, b) => b.upvotes - a.upvotes || String(a.asked_at).localeCompare(String(b.asked_at)) || a.id - b.id,
  );
}

/** The questions part of a state after one update (a new object; unknown types: unchanged). */
export function applyQuestionUpdate(part, update) {
  const data = update.data || {};
  const list = part.question_list || [];
  switch (update.type) {
    case "questions.opened":
    case "questions.closed":
      return { ...part, questions: data.status };
    case "question.added":
      return { ...part, question_list: sortQuestions([...list.filter((row) => row.id !== data.id), data]) };
    case "question.hidden":
      return { ...part, question_list: list.filter((row) => row.id !== data.id) };
    case "question.answered": {
      const highlighted = part.highlighted_question;
      return {
        ...part,
        question_list: list.map((row) => (row.id === data.id ? { ...row, status: "answered" } : row)),
        highlighted_question: highlighted && highlighted.id === data.id ? { ...highlighted, status: "answered" } : highlighted,
      };
    }
    case "question.highlighted":
      return { ...part, question_list: list.map((row) => ({ ...row, highlighted: row.id === data.id })), highlighted_question: data };
    case "question.unhighlighted":
      return { ...part, question_list: list.map((row) => ({ ...row, highlighted: false })), highlighted_question: null };
    default:
      return part;
  }
}

/** The questions part of a snapshot. */
export function questionsPart(snapshot) {
  return {
    questions: snapshot.questions || "off",
    question_list: sortQuestions(snapshot.question_list || []),
    highlighted_question: snapshot.highlighted_question || null,
  };
}

/** Follow the live client: ``listener(part, cause)`` after every change of the questions. */
export function followQuestions(client, listener) {
  let part = questionsPart(client.state);
  client.onChange((state, previous, cause) => {
    if (cause.kind === "snapshot") part = questionsPart(state);
    else if (cause.kind === "update") part = applyQuestionUpdate(part, cause.update);
    else return;
    listener(part, cause);
  });
  client.socket.on("question.votes", (message) => {
    const counts = message?.counts || {};
    part = {
      ...part,
      question_list: sortQuestions(
        part.question_list.map((row) => (String(row.id) in counts ? { ...row, upvotes: counts[String(row.id)] } : row)),
      ),
    };
    if (part.highlighted_question && String(part.highlighted_question.id) in counts) {
      part.highlighted_question = { ...part.highlighted_question, upvotes: counts[String(part.highlighted_question.id)] };
    }
    listener(part, { kind: "votes" });
  });
  return () => part;
}
