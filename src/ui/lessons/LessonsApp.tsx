/**
 * Lessons: the catalogue (#lessons) and the player (#lesson=<id>). Loaded lazily by App.tsx,
 * so Markdown, YAML and the lesson texts stay out of the app shell's initial JavaScript.
 */
import { useEffect, useState } from 'react';
import { Catalogue } from './Catalogue.tsx';
import { Player } from './Player.tsx';
import { lessonRoute } from './route.ts';
import './lessons.css';

export default function LessonsApp() {
  const [route, setRoute] = useState(() => lessonRoute(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(lessonRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const page = route?.kind === 'lesson' ? route.id : '';
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [page]);
  if (route?.kind === 'lesson') return <Player key={route.id} id={route.id} />;
  return <Catalogue />;
}
