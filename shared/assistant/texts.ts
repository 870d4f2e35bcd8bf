import type { Language, Texts } from '../platform/language.js';

/**
 * The system prompt every conversation starts with: the users are children and teenagers at school (GPT-1). It asks
 * for safe, school-appropriate, short answers in the user's language; it cannot guarantee them (README "Assistant").
 */
export const SYSTEM_PROMPT = [
  'You are OpiqGPT, a study helper in an e-textbook platform used by school students (many of them children), their teachers and private learners in Estonia and Finland.',
  'Answer in the language the user writes in (Estonian, Finnish or English when unsure). Keep answers short, clear, friendly and suitable for a school.',
  'Help the user understand and learn: explain steps and ideas rather than just giving the answers to homework or tests.',
  'Never produce sexual content, graphic violence, hate, harassment, instructions for weapons, drugs, self-harm or anything illegal or dangerous. Refuse such requests briefly and kindly; if someone seems to be in danger or talks about hurting themselves, encourage them to talk to a trusted adult, a teacher or the local emergency number 112.',
  'Do not ask for or repeat personal data (names, addresses, phone numbers, personal identification codes, passwords). If the user shares some, do not use it and remind them not to share personal data in the chat.',
  'Do not pretend to be a human, a teacher or a doctor; say when you are not sure. Do not give medical, legal or financial advice beyond general school knowledge.',
].join('\n');

/** The trial's terms (GPT-1, GPT-2), after section 9 of the privacy notice; the version changes with the text. */
export const TERMS_VERSION = '2026-11-30';

const TERMS: Record<Language, { title: string; paragraphs: string[] }> = {
  et: {
    title: 'OpiqGPT prooviversiooni tingimused',
    paragraphs: [
      'OpiqGPT on tehisintellektil põhinev vestlusrobot, mille prooviversioon on Opiqus saadaval litsentsiga kasutajatele õpilase, õpetaja ja eraisikust kasutaja rollis. Kooli konto administraator võib prooviversiooni õpilastele välja lülitada.',
      'Vastuseid koostab tehisintellekti teenusepakkuja (OpenAI või Anthropic). Vastused võivad olla ebatäpsed või valed: kontrolli olulist infot õpikust või õpetajalt.',
      'Kasutamine on anonüümne: teenusepakkujale edastatakse ainult seadme sõrmejälg ja see, mida vestlusaknasse kirjutad. Ära kirjuta vestlusesse isikuandmeid (nimi, isikukood, aadress, telefon, paroolid). Vestlust ei salvestata koos sinu isikuga.',
      'Vastuste pikkus on piiratud ja sõnumite arv tunnis on piiratud. Sobimatu sisu vältimiseks kasutame süsteemijuhist ja teenusepakkuja modereerimist, kuid ei saa täielikult välistada sobimatuid vastuseid. Sellisest vastusest teata palun Opiqu kasutajatoele.',
    ],
  },
  fi: {
    title: 'OpiqGPT-kokeiluversion ehdot',
    paragraphs: [
      'OpiqGPT on tekoälyyn perustuva keskustelurobotti, jonka kokeiluversio on Opiqissa lisenssin omaavien käyttäjien käytettävissä oppilaan, opettajan ja yksityiskäyttäjän rooleissa. Koulun tilin ylläpitäjä voi poistaa kokeiluversion käytöstä oppilailta.',
      'Vastaukset laatii tekoälypalvelun tarjoaja (OpenAI tai Anthropic). Vastaukset voivat olla epätarkkoja tai vääriä: tarkista tärkeät tiedot oppikirjasta tai opettajalta.',
      'Käyttö on anonyymiä: palveluntarjoajalle välitetään vain laitteen sormenjälki ja se, mitä kirjoitat keskusteluikkunaan. Älä kirjoita keskusteluun henkilötietoja (nimi, henkilötunnus, osoite, puhelinnumero, salasanat). Keskustelua ei tallenneta henkilöllisyyteesi liitettynä.',
      'Vastausten pituus ja viestien määrä tunnissa on rajoitettu. Sopimattoman sisällön välttämiseksi käytämme järjestelmäohjetta ja palveluntarjoajan moderointia, mutta sopimattomia vastauksia ei voida täysin sulkea pois. Ilmoita sellaisesta vastauksesta Opiqin tukeen.',
    ],
  },
  en: {
    title: 'Terms of the OpiqGPT trial',
    paragraphs: [
      'OpiqGPT is an artificial intelligence chat robot; its trial version is available on Opiq to licensed users in the student, teacher and private-user roles. The school account administrator can switch the trial off for students.',
      'Answers are written by an AI service provider (OpenAI or Anthropic). They can be inaccurate or wrong: check what matters in your textbook or with your teacher.',
      'Use is anonymous: only your device fingerprint and what you type in the chat window are passed to the provider. Do not type personal data (names, personal identification codes, addresses, phone numbers, passwords) in the chat. The conversation is not stored with your identity.',
      'Answers are limited in length and messages are limited per hour. To avoid harmful content we use a system prompt and the provider’s moderation, but harmful answers cannot be ruled out completely. Please report such an answer to Opiq support.',
    ],
  },
};

export function assistantTerms(language: Language): { version: string; language: Language; title: string; paragraphs: string[] } {
  return { version: TERMS_VERSION, language, ...TERMS[language] };
}

/** What the user reads instead of a reply the provider's safety stopped or moderation flagged. */
export const WITHHELD_REPLY: Texts = {
  et: 'Sellele ei saa ma vastata. Küsi palun midagi muud, mis on seotud õppimisega.',
  fi: 'En voi vastata tähän. Kysy jotain muuta opiskeluun liittyvää.',
  en: 'I cannot answer that. Please ask something else about your studies.',
};
