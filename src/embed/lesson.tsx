/**
 * `lesson="<id>"` on the custom element. The lesson player is a whole page (it sets the
 * document's title, listens for keys on the window, keeps progress in the page origin's storage),
 * so it runs in the iframe embed only; the element says so plainly instead of showing something else.
 */
export function LessonNotice({ id }: { id: string }) {
  return (
    <>
      <p>
        <strong>This widget asks for the lesson “{id}”.</strong>
      </p>
      <p>
        Lesson embedding needs the iframe: use <code>embed.html?lesson={id}</code> from the same place as this script.
      </p>
      <p>
        This element can show the lesson’s scenario instead, e.g. <code>scenario="routed"</code>.
      </p>
    </>
  );
}
