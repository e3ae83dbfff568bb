/** An <a> that navigates with the router on a plain click (and normally otherwise). */
import { splitProps, type JSX } from "solid-js";
import { isPlainClick, useRouter } from "../lib/router";

export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }): JSX.Element {
  const router = useRouter();
  const [local, rest] = splitProps(props, ["href", "onClick"]);
  return (
    <a
      {...rest}
      href={local.href}
      onClick={(e) => {
        if (typeof local.onClick === "function") local.onClick(e);
        if (!isPlainClick(e)) return;
        e.preventDefault();
        router.navigate(local.href);
      }}
    />
  );
}
