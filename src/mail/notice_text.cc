#include "mail/notice_text.h"

namespace lexwatch::mail {
namespace {

bool English(std::string_view lang) { return lang == "en"; }

}  // namespace

NoticeText SourceFailingNotice(std::string_view lang, const std::string& name,
                               const std::string& url, const std::string& since,
                               const std::string& error) {
  if (English(lang)) {
    return {"Source " + name + " has been failing since " + since,
            "lexwatch has not been able to fetch the source " + name + " (" +
                url + ") since " + since + ".\n\nLast error: " + error +
                "\n\nlexwatch keeps trying by itself. Check the network "
                "connection and the address in the configuration; "
                "`lexwatch status` shows the state.\n"};
  }
  return {"Kilden " + name + " har feilet siden " + since,
          "lexwatch har ikke klart å hente kilden " + name + " (" + url +
              ") siden " + since + ".\n\nSiste feil: " + error +
              "\n\nlexwatch prøver igjen av seg selv. Sjekk nettforbindelsen "
              "og adressen i konfigurasjonen; `lexwatch status` viser "
              "tilstanden.\n"};
}

NoticeText SourceRecoveredNotice(std::string_view lang,
                                 const std::string& name) {
  if (English(lang)) {
    return {"Source " + name + " works again",
            "Source " + name + " answers again. Nothing to do.\n"};
  }
  return {"Kilden " + name + " virker igjen",
          "Kilden " + name + " svarer igjen. Ingenting å gjøre.\n"};
}

NoticeText SourceSilentNotice(std::string_view lang, const std::string& name,
                              const std::string& url,
                              const std::string& since) {
  if (English(lang)) {
    return {"Source " + name + " has brought no new items since " + since,
            "Source " + name + " (" + url +
                ") answers, but has brought no new item since " + since +
                ".\n\nIt may be a quiet period, but the address may also "
                "have changed, or the source may show an empty or old list. "
                "Check the source in a browser; `lexwatch status` shows the "
                "state. You get one more notice when the source brings new "
                "items again.\n"};
  }
  return {"Kilden " + name + " har ikke gitt nye saker siden " + since,
          "Kilden " + name + " (" + url +
              ") svarer, men har ikke gitt noen ny sak siden " + since +
              ".\n\nDet kan være stille tider, men adressen kan også ha "
              "endret seg, eller kilden kan vise en tom eller gammel liste. "
              "Sjekk kilden i en nettleser; `lexwatch status` viser "
              "tilstanden. Du får ett nytt varsel når kilden gir nye saker "
              "igjen.\n"};
}

NoticeText SourceNewAgainNotice(std::string_view lang,
                                const std::string& name) {
  if (English(lang)) {
    return {"Source " + name + " has new items again",
            "Source " + name +
                " has again brought items lexwatch had not seen. "
                "Nothing to do.\n"};
  }
  return {"Kilden " + name + " har nye saker igjen",
          "Kilden " + name +
              " har igjen gitt saker lexwatch ikke hadde sett. "
              "Ingenting å gjøre.\n"};
}

NoticeText SourceFloodNotice(std::string_view lang, const std::string& name,
                             std::size_t held, int flood_limit) {
  const std::string count = std::to_string(held);
  const std::string limit = std::to_string(flood_limit);
  if (English(lang)) {
    return {"Source " + name + ": " + count + " new matches held back",
            "Source " + name + " brought " + count +
                " new items matching the rules in one poll, more than the "
                "limit flood_limit = " +
                limit +
                ". That suggests a fault at the source or in the rules, so "
                "lexwatch has stored the items without alerting the "
                "agencies. Nothing is lost.\n\n"
                "Review the rules (`lexwatch backtest`). When all is well, "
                "send the alerts with\n\n  lexwatch release " +
                name +
                "\n\nwhich matches the items against the rules in force "
                "then. `lexwatch status` shows how many are held back.\n"};
  }
  return {"Kilden " + name + ": " + count + " nye treff holdt tilbake",
          "Kilden " + name + " ga " + count +
              " nye saker som traff reglene i én henting, mer enn grensen "
              "flood_limit = " +
              limit +
              ". Det tyder på en feil hos kilden eller i reglene, så "
              "lexwatch har lagret sakene uten å varsle etatene.\n\n"
              "Se gjennom reglene (`lexwatch backtest`). Når alt er i "
              "orden, send varslene med\n\n  lexwatch release " +
              name +
              "\n\nsom matcher sakene mot reglene som gjelder da. "
              "`lexwatch status` viser hvor mange som holdes tilbake.\n"};
}

NoticeText RulesRefusedNotice(std::string_view lang,
                              const std::string& rules_dir,
                              const std::string& errors) {
  if (English(lang)) {
    return {"The rule change was refused",
            "The rule files in " + rules_dir +
                " have errors, so the change was not applied. The previous "
                "rules are still in force.\n\n" +
                errors +
                "\n\nFix the errors (`lexwatch check` shows them all), and "
                "reload with `systemctl reload lexwatch`.\n"};
  }
  return {"Regelendringen ble avvist",
          "Regelfilene i " + rules_dir +
              " har feil, så endringen ble ikke tatt i bruk. De forrige "
              "reglene gjelder fortsatt.\n\n" +
              errors +
              "\n\nRett feilene (`lexwatch check` viser alle), og last "
              "inn på nytt med `systemctl reload lexwatch`.\n"};
}

std::string DescribeOutboxMessage(std::string_view lang,
                                  const store::OutboxMessage& m) {
  if (English(lang)) {
    return "to " + m.recipient + " (agency " + m.agency_id + ", item " +
           m.item_key + ", Message-ID <" + m.message_id + ">, outbox id " +
           std::to_string(m.id) + ")";
  }
  return "til " + m.recipient + " (etat " + m.agency_id + ", sak " +
         m.item_key + ", Message-ID <" + m.message_id + ">, outbox-id " +
         std::to_string(m.id) + ")";
}

NoticeText MailHeldNotice(std::string_view lang, const std::string& error) {
  if (English(lang)) {
    return {"SMTP login refused: mail is being held",
            "lexwatch cannot log in to the SMTP server:\n  " + error +
                "\n\nThe alerts are being held (state \"held\"). None are "
                "lost, and they are sent as soon as the login works "
                "again.\n\n"
                "What to do: correct the user name and password for [mail] "
                "(user, password_file or the systemd credential "
                "smtp-password) and restart lexwatch. See what is waiting "
                "with\n"
                "  lexwatch outbox list --state held\n"};
  }
  return {"SMTP-innlogging avvist: e-post holdes tilbake",
          "lexwatch får ikke logget inn på SMTP-serveren:\n  " + error +
              "\n\nVarslene holdes tilbake (tilstand «held»). Ingen er tapt, "
              "og de sendes så snart innloggingen virker igjen.\n\n"
              "Hva du gjør: rett brukernavn og passord for [mail] (user, "
              "password_file eller systemd-credential smtp-password) og "
              "start lexwatch på nytt. Se hva som venter med\n"
              "  lexwatch outbox list --state held\n"};
}

NoticeText MailFailedNotice(std::string_view lang,
                            const store::OutboxMessage& message,
                            const std::string& error) {
  const std::string id = std::to_string(message.id);
  if (English(lang)) {
    return {"The SMTP server rejected an alert permanently",
            "The SMTP server rejected an alert " +
                DescribeOutboxMessage(lang, message) + ":\n  " + error +
                "\n\nThe alert was not delivered and will not be tried "
                "again. Check the recipient address in [[agency]] in the "
                "configuration. Further rejections with the same code within "
                "the hour are not reported one by one; see them all with\n"
                "  lexwatch outbox list --state failed\n"
                "and send one again with\n"
                "  lexwatch outbox retry " +
                id + "\n"};
  }
  return {"SMTP-serveren avviste et varsel for godt",
          "SMTP-serveren avviste et varsel " +
              DescribeOutboxMessage(lang, message) + ":\n  " + error +
              "\n\nVarselet er ikke levert og prøves ikke igjen. Sjekk "
              "mottakeradressen i [[agency]] i konfigurasjonen. Flere "
              "avvisninger med samme kode i løpet av timen varsles ikke "
              "hver for seg; se alle med\n"
              "  lexwatch outbox list --state failed\n"
              "og send ett på nytt med\n"
              "  lexwatch outbox retry " +
              id + "\n"};
}

NoticeText MailExpiredNotice(std::string_view lang,
                             const store::OutboxMessage& message,
                             const std::string& give_up_after,
                             const std::string& error) {
  if (English(lang)) {
    return {"Alerts given up after the queue lifetime",
            "lexwatch gave up on an alert " +
                DescribeOutboxMessage(lang, message) + " after " +
                give_up_after + ":\n  " + error +
                "\n\nSee all that were given up with\n"
                "  lexwatch outbox list --state expired\n"};
  }
  return {"Varsler gitt opp etter levetiden",
          "lexwatch ga opp et varsel " + DescribeOutboxMessage(lang, message) +
              " etter " + give_up_after + ":\n  " + error +
              "\n\nSe alle som er gitt opp med\n"
              "  lexwatch outbox list --state expired\n"};
}

NoticeText MailsExpiredNotice(std::string_view lang, std::size_t count,
                              const std::string& give_up_after,
                              const store::OutboxMessage& oldest) {
  const std::string n = std::to_string(count);
  if (English(lang)) {
    return {"Alerts given up after the queue lifetime",
            n + (count == 1 ? " alert was" : " alerts were") +
                " not delivered within " + give_up_after +
                " and given up (state \"expired\"). The oldest: " +
                DescribeOutboxMessage(lang, oldest) +
                ", last reply: " + oldest.last_reply +
                "\n\nSee them all with\n  lexwatch outbox list --state "
                "expired\nand send one again with\n"
                "  lexwatch outbox retry ID\n"};
  }
  return {"Varsler gitt opp etter levetiden",
          n + " varsel ble ikke levert innen " + give_up_after +
              " og er gitt opp (tilstand «expired»). Det eldste: " +
              DescribeOutboxMessage(lang, oldest) +
              ", siste svar: " + oldest.last_reply +
              "\n\nSe alle med\n  lexwatch outbox list --state expired\n"
              "og send ett på nytt med\n  lexwatch outbox retry ID\n"};
}

NoticeText MailsOldNotice(std::string_view lang, std::size_t count,
                          const std::string& warn_after,
                          const std::string& give_up_after,
                          const store::OutboxMessage& oldest) {
  const std::string n = std::to_string(count);
  if (English(lang)) {
    return {"Alerts waiting for delivery",
            n + (count == 1 ? " alert has" : " alerts have") +
                " waited more than " + warn_after +
                " without being delivered. lexwatch keeps trying, and gives "
                "up after " +
                give_up_after +
                ". The oldest: " + DescribeOutboxMessage(lang, oldest) +
                ", last reply: " + oldest.last_reply +
                "\n\nSee the queue with\n"
                "  lexwatch outbox list --state deferred\n"};
  }
  return {"Varsler venter på levering",
          n + " varsel har ventet mer enn " + warn_after +
              " uten å bli levert. lexwatch prøver fortsatt, og gir opp "
              "etter " +
              give_up_after +
              ". Det eldste: " + DescribeOutboxMessage(lang, oldest) +
              ", siste svar: " + oldest.last_reply +
              "\n\nSe køen med\n  lexwatch outbox list --state deferred\n"};
}

}  // namespace lexwatch::mail
