// OTP_TEMPLATES over HTTP, for any edge-otp dev server (workerd's or
// Deno's) started with OTP_TEMPLATES = SETTING: the README's example sends
// exactly the message the README shows; a DLT mismatch is a 400 that says
// where, with no SMS and nothing stored; an extended language is refused
// without the switch and sent with it. Not a test file itself.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { render } from "edge-otp";
import { expectError, inbox, send, verify } from "./dev-server.js";

/** The README's example: its setting, its send, and the message it shows (for the code 123456). */
export const README_EXAMPLE = readmeExample();

/** The README's setting, plus an application with extended languages on. */
export const SETTING = JSON.stringify({
  applications: {
    ...JSON.parse(README_EXAMPLE.setting).applications,
    worldwide: { extendedLanguages: true },
  },
});

function readmeExample() {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const section = readme.split("\n## Messages: ")[1].split("\n## ")[0];
  const shell = section.split("```sh\n")[1].split("```")[0];
  return {
    setting: /OTP_TEMPLATES='([^']*)' npm start/.exec(shell)[1],
    applicationId: /--application-id (\S+)/.exec(shell)[1],
    parameters: JSON.parse(/--send-otp-message-request-parameters '([^']*)'/.exec(shell)[1]),
    message: section.split("```text\n")[1].split("\n```")[0],
  };
}

/** What a send delivered: its SMS in the dev inbox, and the code in it. */
async function delivered(base, sent) {
  assert.equal(sent.response.status, 200, JSON.stringify(sent.json));
  const [result] = Object.values(sent.json.Result);
  assert.equal(result.DeliveryStatus, "SUCCESSFUL");
  const message = (await inbox(base)).find((m) => m.MessageId === result.MessageId);
  return { body: message.Body, code: message.Body.match(/\d{6}/)[0] };
}

/** Runs each case as a subtest of `t` against the server at `base`. */
export async function assertMessagesFlow(t, base) {
  const { applicationId, parameters, message } = README_EXAMPLE;
  const guess = (ReferenceId, Otp) => ({ ReferenceId, DestinationIdentity: parameters.DestinationIdentity, Otp });

  await t.test("the README's send delivers exactly the README's message, and its code verifies", async () => {
    const { body, code } = await delivered(base, await send(base, applicationId, parameters));
    assert.equal(body, message.replaceAll("123456", code));
    assert.match(body, /\n\n@shop\.example\.com #\d{6}$/, "the WebOTP line ends the message");
    const checked = await verify(base, applicationId, guess(parameters.ReferenceId, code));
    assert.deepEqual(checked.json, { Valid: true });
  });

  await t.test("a DLT mismatch is a 400 naming where, with no SMS and nothing stored", async () => {
    const first = await delivered(base, await send(base, applicationId, { ...parameters, ReferenceId: "dlt-1" }));
    const before = (await inbox(base)).length;
    const german = await send(base, applicationId, { ...parameters, ReferenceId: "dlt-1", Language: "de-DE" });
    await expectError(
      assert,
      german,
      400,
      "BadRequestException",
      'the message does not match DLT template "1107161234567890123": at character 5 (after "Ihr ") expected "is your ", got "Einmalpasswort von A…"',
    );
    assert.equal((await inbox(base)).length, before, "no SMS");
    // Had the refused send stored a record, it would have replaced the first code's.
    const checked = await verify(base, applicationId, guess("dlt-1", first.code));
    assert.deepEqual(checked.json, { Valid: true }, "nothing stored");
  });

  await t.test("an extended language is refused without extendedLanguages and sent with it", async () => {
    const hindi = { ...parameters, Language: "hi-in", EntityId: undefined, TemplateId: undefined };
    await expectError(
      assert,
      await send(base, applicationId, hindi),
      400,
      "BadRequestException",
      'Language must be one of de-DE, en-GB, en-US, es-419, es-ES, fr-CA, fr-FR, it-IT, ja-JP, ko-KR, pt-BR, zh-CN, zh-TW, got "hi-in"',
    );
    const { body, code } = await delivered(base, await send(base, "worldwide", hindi));
    assert.equal(body, render("hi-IN", code, parameters.BrandName).body);
  });
}
