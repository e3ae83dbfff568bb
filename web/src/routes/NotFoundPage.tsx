/** Any path the dashboard does not know. */
import { onMount, type JSX } from "solid-js";
import { Link } from "../components/Link";

export default function NotFoundPage(): JSX.Element {
  onMount(() => (document.title = "Not found · Bot Core"));
  return (
    <div class="page">
      <h1>Page not found</h1>
      <p>
        There is no page here. <Link href="/">Go to the overview</Link>.
      </p>
    </div>
  );
}
