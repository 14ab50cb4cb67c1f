// Answers for a plain web browser, where there is no Tauri shell: used only to look at the
// screens (screenshots, design review). ipc.ts calls this ONLY when the app shell is absent,
// so it can never stand in for the council inside the real app. Everything here is labelled
// as a preview and holds no real person's data.

import type { AppInfo } from "./bindings/AppInfo";
import type { IpcError } from "./bindings/IpcError";
import { documentsPreviewAnswer } from "./preview/documents";
import { PREVIEW_MODE, sessionPreviewAnswer } from "./preview/session";

export const PREVIEW_APP_INFO: AppInfo = {
  councilName: "Example Council (preview)",
  serviceName: "Client Finance Portal",
  contactEmail: "finance@example.org",
  contactPhone: "01234 567890",
  helpText:
    "This is a preview in a web browser. It is not connected to a council, so you cannot sign in.",
  appVersion: "preview",
  mode: PREVIEW_MODE,
};

const NOT_IN_PREVIEW: IpcError = {
  code: "unavailable",
  message: "You cannot do this in the preview. Open the Client Finance Portal app instead.",
};

export async function previewInvoke(
  command: string,
  _args?: Record<string, unknown>,
): Promise<unknown> {
  if (command === "app_info") return PREVIEW_APP_INFO;
  const session = sessionPreviewAnswer(command, _args);
  if (session) return session.answer;
  const documents = documentsPreviewAnswer(command, _args);
  if (documents) return documents.answer;
  throw NOT_IN_PREVIEW;
}
