import { defineErrors } from '../platform/errors.js';

/** Errors of journals, tasks, answers, feedback and study history (LRN-1..6), in et, fi and en (OPS-3). */
export const learningErrors = defineErrors({
  journal_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist päevikut ei ole.', fi: 'Tällaista päiväkirjaa ei ole.', en: 'There is no such journal.' },
  },
  journal_subject_not_taught: {
    kind: 'forbidden',
    text: {
      et: 'Päevikuid saab luua ainult oma aines selles koolis.',
      fi: 'Päiväkirjoja voi luoda vain omaan aineeseen tässä koulussa.',
      en: 'You can create journals only for a subject you teach in this school.',
    },
  },
  journal_owner_only: {
    kind: 'forbidden',
    text: {
      et: 'Kaasõpetajaid saab muuta ainult päeviku looja.',
      fi: 'Vain päiväkirjan luoja voi muuttaa opettajia.',
      en: "Only the journal's owner can change its co-teachers.",
    },
  },
  journal_archived: {
    kind: 'conflict',
    text: {
      et: 'Päevik on arhiveeritud (õppeaasta on lõppenud); seda ei saa enam muuta.',
      fi: 'Päiväkirja on arkistoitu (lukuvuosi on päättynyt); sitä ei voi enää muuttaa.',
      en: 'The journal is archived (its school year has ended); it can no longer be changed.',
    },
  },
  journal_people_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Mõni õpilane ei ole selle kooli õpilane või mõni kaasõpetaja ei ole selle kooli õpetaja.',
      fi: 'Joku oppilaista ei ole tämän koulun oppilas tai joku opettajista ei ole tämän koulun opettaja.',
      en: 'Some students are not students of this school, or some co-teachers are not teachers of this school.',
    },
  },
  journal_class_not_found: {
    kind: 'unprocessable',
    text: {
      et: 'Sellist klassi selles koolis ei ole.',
      fi: 'Tällaista luokkaa ei ole tässä koulussa.',
      en: 'There is no such class in this school.',
    },
  },
  grading_scale_not_allowed: {
    kind: 'unprocessable',
    text: {
      et: 'See hindamisskaala ei ole selle kooli skaala.',
      fi: 'Tämä arviointiasteikko ei ole tämän koulun asteikko.',
      en: "This grading scale is not one of the school's scales.",
    },
  },
  task_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist ülesannet ei ole.', fi: 'Tällaista tehtävää ei ole.', en: 'There is no such task.' },
  },
  task_work_not_in_journal: {
    kind: 'unprocessable',
    text: {
      et: 'Ülesande teos ei ole selle päeviku õppematerjalide hulgas.',
      fi: 'Tehtävän teos ei ole tämän päiväkirjan materiaaleissa.',
      en: "The task's work is not among the journal's materials.",
    },
  },
  task_students_not_in_journal: {
    kind: 'unprocessable',
    text: {
      et: 'Ülesande saab anda ainult päeviku õpilastele.',
      fi: 'Tehtävän voi antaa vain päiväkirjan oppilaille.',
      en: "A task can be assigned only to the journal's students.",
    },
  },
  task_window_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Ülesande ajaaken on vigane: algus peab olema enne lõppu ja tähtaeg akna sees.',
      fi: 'Tehtävän aikaikkuna on virheellinen: alun on oltava ennen loppua ja määräajan ikkunan sisällä.',
      en: 'The task window is invalid: it must open before it closes, and the due date must lie inside it.',
    },
  },
  task_content_unknown: {
    kind: 'unprocessable',
    text: {
      et: 'Teoses ei ole selliseid harjutusi või lehekülgi: {ids}.',
      fi: 'Teoksessa ei ole tällaisia harjoituksia tai sivuja: {ids}.',
      en: 'The work has no such exercises or pages: {ids}.',
    },
  },
  task_not_open: {
    kind: 'conflict',
    text: { et: 'Ülesanne ei ole veel avatud.', fi: 'Tehtävä ei ole vielä auki.', en: 'The task is not open yet.' },
  },
  task_closed: {
    kind: 'conflict',
    text: { et: 'Ülesande vastamise aeg on läbi.', fi: 'Tehtävän vastausaika on päättynyt.', en: 'The time for answering this task is over.' },
  },
  answer_exercise_unknown: {
    kind: 'unprocessable',
    text: {
      et: 'Vastus on harjutusele, mida selles ülesandes ei ole: {ids}.',
      fi: 'Vastaus on harjoitukseen, jota tässä tehtävässä ei ole: {ids}.',
      en: 'The answer is for exercises that are not in this task: {ids}.',
    },
  },
  answer_invalid: {
    kind: 'unprocessable',
    text: {
      et: 'Vastus ei sobi harjutuse tüübiga: {ids}.',
      fi: 'Vastaus ei sovi harjoituksen tyyppiin: {ids}.',
      en: "The answer does not fit the exercise's kind: {ids}.",
    },
  },
  answer_already_submitted: {
    kind: 'conflict',
    text: {
      et: 'Vastus on juba esitatud; uuesti saab esitada siis, kui õpetaja seda lubab.',
      fi: 'Vastaus on jo palautettu; uudelleen voi palauttaa, kun opettaja sallii sen.',
      en: 'The answer has already been submitted; you can submit again when the teacher allows it.',
    },
  },
  answer_not_found: {
    kind: 'not_found',
    text: { et: 'Sellist vastust ei ole.', fi: 'Tällaista vastausta ei ole.', en: 'There is no such answer.' },
  },
  answer_not_submitted: {
    kind: 'conflict',
    text: {
      et: 'Vastus ei ole esitatud; tagasisidet saab anda esitatud vastusele.',
      fi: 'Vastausta ei ole palautettu; palautetta voi antaa palautettuun vastaukseen.',
      en: 'The answer has not been submitted; feedback is given on a submitted answer.',
    },
  },
  grade_not_on_scale: {
    kind: 'unprocessable',
    text: {
      et: 'Hinne ei ole päeviku hindamisskaalal ({scale}).',
      fi: 'Arvosana ei ole päiväkirjan arviointiasteikolla ({scale}).',
      en: "The grade is not on the journal's grading scale ({scale}).",
    },
  },
  points_out_of_range: {
    kind: 'unprocessable',
    text: {
      et: 'Punktid peavad olema vahemikus 0 kuni {max}.',
      fi: 'Pisteiden on oltava välillä 0–{max}.',
      en: 'Points must be between 0 and {max}.',
    },
  },
  learning_school_required: {
    kind: 'invalid',
    text: {
      et: 'Sa õpid mitmes koolis: vali kool (schoolId).',
      fi: 'Opiskelet useassa koulussa: valitse koulu (schoolId).',
      en: 'You study in several schools: choose one (schoolId).',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof learningErrors, true> {}
}
