/**
 * What the reply classifier (opt-out.ts) knows, in English, Spanish, French, German and Portuguese.
 * Every entry is a regular-expression source over *folded* text: lowercased, accents removed ("arrête"
 * → "arrete", "não" → "nao"), apostrophes unified to ', emoji removed, whitespace collapsed. Word
 * boundaries are added by the classifier. Sources: the carrier keywords of the CTIA Short Code
 * Monitoring Handbook (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) and the FCC's 2024 TCPA
 * revocation rule (adds OPTOUT, REVOKE and "reasonable means"), plus each language's common ways to say
 * "stop writing to me" and "not interested", written for this project.
 */

/** A whole reply that is one of these (after politeness words are dropped) is an opt-out. */
export const KEYWORDS: readonly string[] = [
  // standard carrier keywords and the FCC's additions
  "stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit", "optout", "opt out", "opt-out", "revoke", "unsub",
  "remove", "remove me", "stop it", "enough", "no more", "leave me alone",
  // es
  "para", "pare", "basta", "alto", "baja", "darme de baja", "dar de baja", "cancelar", "no mas", "detente", "desuscribir",
  // fr
  "arrete", "arretez", "arret", "desabonner", "desinscrire", "desabonnement", "desinscription", "assez", "stoppez",
  // de
  "stopp", "abmelden", "abbestellen", "aufhoren", "hor auf", "horen sie auf", "austragen", "schluss",
  // pt
  "parar", "sair", "descadastrar", "remover", "chega", "cancele",
];

/** A bare "no" is a decline without a door left open or shut: a person reads it. */
export const BARE_NO: readonly string[] = ["no", "nope", "nah", "no way", "non", "nein", "nao", "nee"];

/** Dropped around a keyword before the whole-reply test: "STOP please", "Stop, thanks!". */
export const POLITENESS: readonly string[] = [
  "please", "pls", "plz", "thanks", "thank you", "thx", "ty", "now", "just", "ok", "okay", "asap", "already", "seriously",
  "por favor", "gracias", "ya", "merci", "s'il vous plait", "s'il te plait", "svp", "stp", "bitte", "danke", "sofort",
  "obrigado", "obrigada", "agora", "pf",
];

/**
 * Explicit requests to stop, anywhere in a reply: each is an opt-out unless negated just before it
 * ("don't unsubscribe me") or the reply also shows interest (then a person reviews it).
 */
export const OPT_OUT_PHRASES: readonly string[] = [
  // en
  "unsubscribe", "unsub", "opt(?: me)?[ -]?out", "stop ?all",
  "remove (?:me|us|my (?:name|number|account|handle|info|details|contact|data))",
  "take (?:me|us|my (?:name|number|handle)) off", "delete my (?:number|info|contact|data|details)",
  "cancel (?:me|my (?:subscription|membership))",
  "(?:stop|quit|cease) (?:receiving|getting|messaging|texting|contacting|emailing|e-mailing|dming|dm'?ing|writing|sending|spamming|bothering|pinging|following up|reaching out|hitting me up|dm me|message me|contact me|email me|writing to me)",
  "(?:do not|don't|dont|never|pls don't|please don't) (?:ever )?(?:message|contact|text|dm|email|e-mail|write to|write|reach out to|ping|bother|spam|call|send) (?:me|us)",
  "no more (?:messages|dms|texts|emails|follow ?ups|of this|spam)",
  "leave me alone", "lose my (?:number|contact|handle)", "go away", "fuck off", "piss off", "get lost", "revoke (?:my )?consent",
  // es
  "no me (?:escribas|escriba|escriban|contactes|contacte|contacten|mandes|mande|envies|envie|molestes|moleste) (?:mas|nunca)",
  "no (?:me )?(?:vuelvas|vuelva) a (?:escribir|contactar|molestar)",
  "(?:deja|deje|dejen|dejad) de (?:escribirme|enviarme|mandarme|contactarme|molestarme|escribir)",
  "(?:borrame|eliminame|sacame|quitame|eliminarme|borrarme|sacarme|quitarme) de (?:tu|su|la|vuestra) lista",
  "(?:darme|dame|dadme|denme) de baja", "no quiero (?:recibir )?mas mensajes",
  // fr
  "(?:arretez|arrete|cessez|cesse) de (?:m'ecrire|me contacter|m'envoyer|me spammer|me relancer|m'embeter)",
  "ne (?:m'ecrivez|m'ecris|me contactez|me contacte|m'envoyez|m'envoie|me relancez) plus",
  "(?:retirez|retire|supprimez|supprime|enlevez|enleve)[- ]moi de (?:votre|ta|la|vos) liste",
  "(?:desabonnez|desabonne|desinscrivez|desinscris)[- ]moi", "ne plus (?:me contacter|m'ecrire|me relancer|m'envoyer)", "laissez[- ]moi tranquille", "fiche[sz]?[- ]moi la paix",
  // de
  "(?:horen sie|hor|hort) auf,? mir zu schreiben", "schreib(?:en sie|t)? mir nicht mehr", "(?:kontaktieren sie|kontaktiere) mich nicht mehr",
  "nicht mehr (?:kontaktieren|anschreiben|schreiben)", "(?:entfernen sie|entferne|loschen sie|losche|streichen sie) mich (?:aus|von) (?:ihrer|deiner|der) liste",
  "lass(?:en sie)? mich in ruhe", "keine (?:weiteren )?nachrichten mehr",
  // pt
  "(?:pare|para|parem) de (?:me )?(?:mandar|enviar|escrever|contatar|incomodar)", "nao me (?:mande|envie|escreva|contate|mandem|incomode) mais",
  "(?:me tire|me remova|me retire|tire-me|remova-me|me exclua) da (?:sua |tua )?lista", "me deixe em paz", "descadastr(?:ar|e)",
];

/** A plain "no" to the offer. An opt-out, unless softened (then a person reviews it). */
export const DECLINES: readonly string[] = [
  // en
  "(?:i'm|im|i am|we're|were|we are|totally|really|just|honestly|sorry,?)? ?not interested", "uninterested", "no interest",
  "not for (?:me|us)", "no,? thanks?(?: you)?", "no,? thank you", "(?:i'll|ill|i will|hard) pass",
  // es
  "no (?:estoy|estamos) interesad[oa]s?", "no me interesa", "no nos interesa", "no,? gracias", "sin interes",
  // fr
  "(?:je ne suis|nous ne sommes) pas interessee?s?", "pas interessee?s?", "(?:ca|cela) ne (?:m'|nous )?interesse pas", "non,? merci",
  // de
  "kein interesse", "nicht interessiert", "nein,? danke",
  // pt
  "nao (?:tenho|temos) interesse", "nao (?:estou|estamos) interessad[oa]s?", "nao me interessa", "sem interesse", "nao,? obrigad[oa]",
];

/** "Not interested right now": a decline that leaves the door open is for a person to read. */
export const SOFTENERS: readonly string[] = [
  "right now", "at the moment", "at this (?:time|point|stage)", "for now", "yet", "currently", "this (?:week|month|quarter|year)",
  "maybe", "perhaps", "later", "next (?:week|month|quarter|year)", "in the future", "unless", "but",
  "por ahora", "de momento", "ahora mismo", "todavia", "quizas?", "tal vez", "mas adelante", "pero",
  "pour (?:le moment|l'instant)", "en ce moment", "peut-etre", "plus tard", "mais",
  "im moment", "momentan", "derzeit", "zurzeit", "vielleicht", "spater", "noch nicht", "aber",
  "no momento", "por enquanto", "talvez", "mais tarde", "ainda", "mas",
];

/** Words just before a request that reverse it: "don't stop", "no need to remove me", "n'arrêtez pas". */
export const NEGATORS: readonly string[] = [
  "don't", "dont", "do not", "never", "not", "no need to", "can't", "cant", "cannot", "can not", "couldn't", "won't", "wont",
  "wouldn't", "shouldn't", "didn't", "doesn't", "without", "nunca", "jamas", "ne", "n'", "nicht", "nie", "nao",
];

/** A bare "stop" followed by these is not addressed to us: "stop by", "can't stop thinking". */
export const STOP_NOT_A_REQUEST: readonly string[] = [
  "by", "in", "over", "at", "for", "thinking", "worrying", "talking about", "wondering", "doing", "and think", "to think",
  "sign", "light", "loss", "gap", "motion",
];

/** Signs of an unhappy reader that are not clearly a request to stop: a person should look. */
export const COMPLAINTS: readonly string[] = [
  "spam", "spammer", "spamming", "report(?:ed|ing)? (?:you|this)", "block(?:ed|ing)? you", "how did you get my",
  "who gave you my", "wrong (?:person|number|account)", "why (?:won't|wont|doesn't|don't|can't) (?:this|it|you|these) stop", "basura", "denunciar", "signaler", "melden", "denunciar",
];

/** Interest. Matched after the opt-out and decline phrases are blanked out, so "not interested" is not "interested". */
export const POSITIVES: readonly string[] = [
  // en
  "interested", "interesting", "tell me more", "sounds (?:good|great|interesting|cool)", "let's (?:talk|chat|connect|do it|set|book|schedule|hop|jump)",
  "(?:happy|glad|like|love|want) to (?:chat|talk|hop|jump|connect|meet|hear more|learn more)", "send (?:me )?(?:more )?(?:info|details|the deck|a deck|pricing)", "book a (?:call|demo|meeting)",
  "(?:schedule|set up) a (?:call|demo|meeting)", "how much", "pricing", "yes", "sure", "love (?:to|it|this|that)", "curious", "keen",
  "count me in", "i'm in", "call me", "more details", "learn more", "(?:see|get|book|schedule) a demo", "go on",
  "(?:what|how much) (?:does|would) (?:it|this|that) cost", "price", "keep (?:me posted|going|them coming)", "excited",
  // es
  "me interesa", "nos interesa", "interesad[oa]s?", "interesante", "cuentame mas", "cuenteme mas", "suena bien", "hablemos", "claro", "me encanta",
  // fr
  "interessee?s?", "(?:ca|cela) m'interesse", "interessant", "dites[- ]m'en plus", "dis[- ]m'en plus", "avec plaisir", "parlons", "oui", "volontiers",
  // de
  "interessiert", "interesse", "interessant", "klingt gut", "erzahl(?:en sie)? mir mehr", "gerne", "gern", "ja", "spannend",
  // pt
  "tenho interesse", "interessad[oa]s?", "interessante", "me conta mais", "conte mais", "parece bom", "sim", "vamos conversar", "adorei",
];
