import { afterEach, describe, expect, it } from "vitest";
import { fakeShell, removeFakeShell, TEST_APP_INFO } from "../test/support";
import { appInfo, createAccount, isInsideApp, signIn, toIpcError, UNEXPECTED_ERROR } from "./ipc";
import { PREVIEW_APP_INFO } from "./preview";

afterEach(removeFakeShell);

describe("inside the app", () => {
  it("asks the shell for app_info and returns its answer", async () => {
    const calls = fakeShell({ app_info: () => TEST_APP_INFO });

    expect(isInsideApp()).toBe(true);
    await expect(appInfo()).resolves.toEqual(TEST_APP_INFO);
    expect(calls).toEqual(["app_info"]);
  });

  it("passes on the shell's IpcError from sign_in unchanged", async () => {
    const refusal = { code: "unavailable", message: "Signing in is not ready yet." };
    const calls = fakeShell({
      sign_in: () => {
        throw refusal;
      },
    });

    await expect(signIn()).rejects.toEqual(refusal);
    expect(calls).toEqual(["sign_in"]);
  });

  it("calls create_account for a new account", async () => {
    const calls = fakeShell({ create_account: () => null });

    await expect(createAccount()).resolves.toBeNull();
    expect(calls).toEqual(["create_account"]);
  });

  it("never shows a raw error that is not an IpcError: it could hold personal data", async () => {
    fakeShell({
      sign_in: () => {
        throw "sign_in failed for jane.smith@example.org";
      },
    });

    const error: unknown = await signIn().catch((caught: unknown) => caught);
    expect(error).toEqual(UNEXPECTED_ERROR);
    expect(JSON.stringify(error)).not.toContain("jane.smith");
  });
});

describe("toIpcError", () => {
  it.each([
    ["a plain string", "boom"],
    ["null", null],
    ["a code the app does not know", { code: "teapot", message: "I am a teapot" }],
    ["an empty message", { code: "offline", message: "  " }],
    ["a message that is not text", { code: "offline", message: 42 }],
    ["an Error object", new Error("stack trace with secrets")],
  ])("turns %s into the general message", (_label, value) => {
    expect(toIpcError(value)).toEqual(UNEXPECTED_ERROR);
  });

  it("keeps a proper IpcError, dropping any extra fields", () => {
    expect(toIpcError({ code: "offline", message: "You are offline.", detail: "x" })).toEqual({
      code: "offline",
      message: "You are offline.",
    });
  });

  it("has a general message written in plain words", () => {
    expect(UNEXPECTED_ERROR.code).toBe("internal");
    expect(UNEXPECTED_ERROR.message).toMatch(/^Something went wrong/);
  });
});

describe("outside the app (a plain web browser)", () => {
  it("answers app_info with the labelled preview profile", async () => {
    expect(isInsideApp()).toBe(false);
    const info = await appInfo();
    expect(info).toEqual(PREVIEW_APP_INFO);
    expect(info.councilName).toMatch(/preview/i);
  });

  it("refuses to sign in, saying why", async () => {
    await expect(signIn()).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/preview/i),
    });
  });
});
