"""Sentences in the languages the users work in: each case of issue 26 as exact sentences with
offsets, the text shapes (hard-wrapped paragraphs, runaway sentences, pieces without words), the
language of each document on import, and pySBD's Golden Rules in 22 languages."""

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.segment import MAX_SENTENCE, segment, sentences
from annotator.segment.identify import identify
from annotator.store import SCHEMA_VERSION, Store

# (language, text, its exact sentences with offsets)
CASES = [
    # an ordinal date and abbreviations of the language: no cut after "14.", "Avda.", "г.", "Проф."
    ("de", "Das Gesetz tritt am 14. März in Kraft. Die Länder müssen zustimmen.",
     [(0, 38, "Das Gesetz tritt am 14. März in Kraft."), (39, 67, "Die Länder müssen zustimmen.")]),
    ("es", "El accidente ocurrió en la Avda. Libertad anoche. Nadie resultó herido.",
     [(0, 49, "El accidente ocurrió en la Avda. Libertad anoche."), (50, 71, "Nadie resultó herido.")]),
    ("ru", "Вчера делегация прибыла в г. Самару. Встреча прошла спокойно.",
     [(0, 36, "Вчера делегация прибыла в г. Самару."), (37, 61, "Встреча прошла спокойно.")]),
    ("ru", "Проф. Иванов выступил. Зал молчал.",
     [(0, 22, "Проф. Иванов выступил."), (23, 34, "Зал молчал.")]),
    # Hindi and Marathi titles before a name, in a script without case (issue 26 retest, 5)
    ("hi", "डॉ. शर्मा ने कहा कि बजट अच्छा है। प्रो. सिंह ने भाषण दिया।",
     [(0, 33, "डॉ. शर्मा ने कहा कि बजट अच्छा है।"), (34, 58, "प्रो. सिंह ने भाषण दिया।")]),
    ("mr", "डॉ. शर्मा यांनी सांगितले. श्री. पाटील उपस्थित होते.",
     [(0, 25, "डॉ. शर्मा यांनी सांगितले."), (26, 51, "श्री. पाटील उपस्थित होते.")]),
    # ordinal numbers before a noun or a month, abbreviations before a word in lower case; an
    # ellipsis and a capital outside a quote end a sentence
    ("de", "In der 4. Klasse liegen sie im Durchschnitt. Die Zahl der Toten stieg auf 45. Die Polizei ermittelt.",
     [(0, 44, "In der 4. Klasse liegen sie im Durchschnitt."), (45, 77, "Die Zahl der Toten stieg auf 45."),
      (78, 100, "Die Polizei ermittelt.")]),
    ("pl", "Budowa kosztowała 5 tys. dolarów w 2015 r. o 6% więcej. Potem przestano.",
     [(0, 55, "Budowa kosztowała 5 tys. dolarów w 2015 r. o 6% więcej."), (56, 72, "Potem przestano.")]),
    ("de", "Ich weiß nicht, warum ich sie ausgesucht habe … Als Jutting kam, war alles vorbei.",
     [(0, 47, "Ich weiß nicht, warum ich sie ausgesucht habe …"), (48, 82, "Als Jutting kam, war alles vorbei.")]),
    ("bg", "Бомби и убийства белязаха 2000 г. То бе спряно от архива на арх. Стефан Лазаров.",
     [(0, 33, "Бомби и убийства белязаха 2000 г."), (34, 80, "То бе спряно от архива на арх. Стефан Лазаров.")]),
    ("de", "Es ist eigentlich unglaublich. 5000 Dollar pro Person sind das Maximum, ca. 5 Prozent mehr.",
     [(0, 30, "Es ist eigentlich unglaublich."), (31, 91, "5000 Dollar pro Person sind das Maximum, ca. 5 Prozent mehr.")]),
    ("ru", "Рост составил 3% от 12000 фунтов, т. е. 360 фунтов. Комиссия промолчала.",
     [(0, 51, "Рост составил 3% от 12000 фунтов, т. е. 360 фунтов."), (52, 72, "Комиссия промолчала.")]),
    # abbreviations before a word in lower case; a stop before a number after a German noun; a unit after a
    # number that a word in lower case comes before ends a sentence, "г." before a name (the city) or in a
    # date that opens the sentence does not; a text in lower case only (issue 26 retest, 9)
    ("es", "El detenido llegó a las 10 a. m. al juzgado.", [(0, 44, "El detenido llegó a las 10 a. m. al juzgado.")]),
    ("es", "La obra costó 3 mill. de euros.", [(0, 31, "La obra costó 3 mill. de euros.")]),
    ("pl", "Spotkanie odbędzie się 3 maja br. w Warszawie.", [(0, 46, "Spotkanie odbędzie się 3 maja br. w Warszawie.")]),
    ("de", "Er wurde 1990 Meister. 1991 verlor er den Titel.",
     [(0, 22, "Er wurde 1990 Meister."), (23, 48, "1991 verlor er den Titel.")]),
    ("de", "Die Preise stiegen um 5 Prozent. 10 Firmen meldeten Verluste.",
     [(0, 32, "Die Preise stiegen um 5 Prozent."), (33, 61, "10 Firmen meldeten Verluste.")]),
    ("ru", "Музей открылся в 1985 г. Сейчас он закрыт.",
     [(0, 24, "Музей открылся в 1985 г."), (25, 42, "Сейчас он закрыт.")]),
    ("ru", "В марте 1985 г. Горбачев стал генсеком.", [(0, 39, "В марте 1985 г. Горбачев стал генсеком.")]),
    ("ru", "Ущерб составил 5 млн руб. Виновных ищут.", [(0, 25, "Ущерб составил 5 млн руб."), (26, 40, "Виновных ищут.")]),
    ("uk", "Музей відкрився у 1985 р. Зараз він закритий.",
     [(0, 25, "Музей відкрився у 1985 р."), (26, 45, "Зараз він закритий.")]),
    ("uk", "Збитки склали 5 млн грн. Винних шукають.", [(0, 24, "Збитки склали 5 млн грн."), (25, 40, "Винних шукають.")]),
    ("el", "Η συνάντηση ξεκίνησε στις 10 π.μ. Ο υπουργός δεν ήρθε.",
     [(0, 33, "Η συνάντηση ξεκίνησε στις 10 π.μ."), (34, 54, "Ο υπουργός δεν ήρθε.")]),
    ("de", "die regierung hat das gesetz beschlossen. die opposition ist dagegen.",
     [(0, 41, "die regierung hat das gesetz beschlossen."), (42, 69, "die opposition ist dagegen.")]),
    ("de", "der preis stieg um ca. zehn prozent, sagte dr. müller am 14. märz. er war zufrieden.",
     [(0, 66, "der preis stieg um ca. zehn prozent, sagte dr. müller am 14. märz."), (67, 84, "er war zufrieden.")]),
    ("cs", "vláda schválila zákon. opozice je proti.", [(0, 22, "vláda schválila zákon."), (23, 40, "opozice je proti.")]),
    ("fi", "hallitus hyväksyi lain. oppositio vastustaa.",
     [(0, 23, "hallitus hyväksyi lain."), (24, 44, "oppositio vastustaa.")]),
    # the language's own full stops, with no space after them
    ("zh", "台风登陆浙江。航班全部取消！", [(0, 7, "台风登陆浙江。"), (7, 14, "航班全部取消！")]),
    ("ja", "台風が上陸した。便は全て欠航！", [(0, 8, "台風が上陸した。"), (8, 15, "便は全て欠航！")]),
    ("hi", "बैठक समाप्त हुई।सभी लोग घर गए।", [(0, 16, "बैठक समाप्त हुई।"), (16, 30, "सभी लोग घर गए।")]),
    ("el", "Τι κάνεις; Είμαι καλά.", [(0, 10, "Τι κάνεις;"), (11, 22, "Είμαι καλά.")]),
    ("zh", '智能手機模型的生產已完全停止。2015年8月30這一天，互聯網被一群鴨子佔據了。',  # sentencex keeps a number after "。"
     [(0, 15, '智能手機模型的生產已完全停止。'), (15, 40, '2015年8月30這一天，互聯網被一群鴨子佔據了。')]),
    ("zh", "他补充说：“这是一小步。”但是也有很多人反对。",
     [(0, 13, "他补充说：“这是一小步。”"), (13, 23, "但是也有很多人反对。")]),
    # ... but not before a closing mark nor inside 「」『』《》（）, and a quotative particle goes on (issue 26 retest, 1)
    ("zh", "行政院長昨日表示：「我們不會讓步。」立法院將於下週表決。",
     [(0, 18, "行政院長昨日表示：「我們不會讓步。」"), (18, 28, "立法院將於下週表決。")]),
    ("ja", "首相は「必ずやります。」と述べた。", [(0, 17, "首相は「必ずやります。」と述べた。")]),
    ("ja", "首相は「やります。必ず」と述べた。", [(0, 17, "首相は「やります。必ず」と述べた。")]),
    ("ja", "『やります。必ず』と述べた。次の話です。", [(0, 14, "『やります。必ず』と述べた。"), (14, 20, "次の話です。")]),
    ("zh", "他看了《摔跤吧！爸爸》。很感動！", [(0, 12, "他看了《摔跤吧！爸爸》。"), (12, 16, "很感動！")]),
    # guillemets with spaces or no-break spaces stay in their sentence
    ("fr", "« Ce n'est pas la fin », a répondu la ministre. Elle est partie.",
     [(0, 47, "« Ce n'est pas la fin », a répondu la ministre."), (48, 64, "Elle est partie.")]),
    ("fr", "«\u00a0Ce n'est pas la fin\u00a0», a répondu la ministre.",
     [(0, 47, "«\u00a0Ce n'est pas la fin\u00a0», a répondu la ministre.")]),
    # English shapes
    ("en", "the bill passed. nobody objected.", [(0, 16, "the bill passed."), (17, 33, "nobody objected.")]),
    ("en", '"Will the plant close?" Oxfam asked the board. It did not answer.',
     [(0, 46, '"Will the plant close?" Oxfam asked the board.'), (47, 65, "It did not answer.")]),
    ("en", "The plan was approved on Friday.Opponents said it was rushed.",
     [(0, 32, "The plan was approved on Friday."), (32, 61, "Opponents said it was rushed.")]),
    ("en", 'An analyst said the deal was "the best we could hope for. On Monday, the board will meet again. '
           '"We are ready," the chair said.',
     [(0, 57, 'An analyst said the deal was "the best we could hope for.'),
      (58, 95, "On Monday, the board will meet again."), (96, 127, '"We are ready," the chair said.')]),
    ("en", '"We saw it through the lens of ... March events." He left.',
     [(0, 49, '"We saw it through the lens of ... March events."'), (50, 58, "He left.")]),
    ("en", "The market sells apples, pears etc. Prices rose this week.",
     [(0, 35, "The market sells apples, pears etc."), (36, 58, "Prices rose this week.")]),
    # real news sentences (UD PUD and BTB treebanks) that sentencex's abbreviations, a quote pair of the
    # language or an apostrophe written as a quote mark once cut or glued wrongly
    ('fr', 'Les entreprises peuvent protéger les systèmes contre l‘intrusion des pouvoirs étrangers, mais cette pratique ne fonctionne pas toujours. Mais ils peuvent dissuader l’ennemi.',
     [(0, 136, 'Les entreprises peuvent protéger les systèmes contre l‘intrusion des pouvoirs étrangers, mais cette pratique ne fonctionne pas toujours.'), (137, 173, 'Mais ils peuvent dissuader l’ennemi.')]),
    ('bg', 'Петър намушкал с нож гл.серж. Александров. Изданието е на изд. "Абагар", а той е един от т.нар. 12 малки пророци.',
     [(0, 42, 'Петър намушкал с нож гл.серж. Александров.'), (43, 113, 'Изданието е на изд. "Абагар", а той е един от т.нар. 12 малки пророци.')]),
    ('ko', '호플리는 "정치적위험이 급증한것을 사람들이 눈치채지 못하게 해야 한다.”라고 덧붙여 말했다. 폭스바겐은 벌금을 물게 되었다.',
     [(0, 51, '호플리는 "정치적위험이 급증한것을 사람들이 눈치채지 못하게 해야 한다.”라고 덧붙여 말했다.'), (52, 69, '폭스바겐은 벌금을 물게 되었다.')]),
    ('ar', 'أحمد ز. أمين, أمين عام الوكالة الدولية للطاقة المتجددة متيقنٌ. الأرقام الجيدة في آسيا دفعت الأسواق إلى الارتفاع.',
     [(0, 62, 'أحمد ز. أمين, أمين عام الوكالة الدولية للطاقة المتجددة متيقنٌ.'), (63, 112, 'الأرقام الجيدة في آسيا دفعت الأسواق إلى الارتفاع.')]),
    ('pl', 'Firmy spodziewały się spadków po głosowaniu ws. Brexitu, ale utrzymały wzrost. Dochodzenie trwa.',
     [(0, 78, 'Firmy spodziewały się spadków po głosowaniu ws. Brexitu, ale utrzymały wzrost.'), (79, 96, 'Dochodzenie trwa.')]),
    ('is', '„Við stefnum í rétta átt. Parísarsamkomulagið hægir á loftslagsbreytingum“ segir Erik Solheim. Fjárfestingar jukust um 6%.',
     [(0, 94, '„Við stefnum í rétta átt. Parísarsamkomulagið hægir á loftslagsbreytingum“ segir Erik Solheim.'), (95, 122, 'Fjárfestingar jukust um 6%.')]),
    ('it', 'Ha lasciato la squadra un anno fa. La sua gestione non è stata priva di critiche.',
     [(0, 34, 'Ha lasciato la squadra un anno fa.'), (35, 81, 'La sua gestione non è stata priva di critiche.')]),
    ('sv', 'Det finns fortfarande en faktor, säger hon. I Kina stoppas håret i ett kemiskt bad.',
     [(0, 43, 'Det finns fortfarande en faktor, säger hon.'), (44, 83, 'I Kina stoppas håret i ett kemiskt bad.')]),
    ('en', 'He had studied jewellery design at Glasgow School of Art. “I loved the tropical colours,” he says. Art. IV of the treaty applies.',
     [(0, 57, 'He had studied jewellery design at Glasgow School of Art.'), (58, 98, '“I loved the tropical colours,” he says.'), (99, 129, 'Art. IV of the treaty applies.')]),
    ('pt', 'Eu não sei qual foi o crescimento do G.D.P durante as administrações de Washington e Lincoln.',
     [(0, 93, 'Eu não sei qual foi o crescimento do G.D.P durante as administrações de Washington e Lincoln.')]),
    # pieces without words join the sentence before them
    ("en", "Great news for the team! https://t.co/abc #win @club \U0001f389",
     [(0, 54, "Great news for the team! https://t.co/abc #win @club \U0001f389")]),
    ("en", "Great news for the team!\n#win \U0001f389 https://t.co/x",
     [(0, 46, "Great news for the team!\n#win \U0001f389 https://t.co/x")]),
    # ... also after the language's own full stop, with or without a space, and in a paragraph of their own
    # at the end or between paragraphs; cashtags, a thread's counter and "via @name" are no words either;
    # a document of such a piece alone is one piece (issue 26 retest, 2)
    ("zh", "台风登陆浙江，航班全部取消。#台风 https://t.co/x \U0001f300",
     [(0, 34, "台风登陆浙江，航班全部取消。#台风 https://t.co/x \U0001f300")]),
    ("ja", "新しい経済対策が発表されました。#経済対策 https://t.co/ab \U0001f1ef\U0001f1f5",
     [(0, 40, "新しい経済対策が発表されました。#経済対策 https://t.co/ab \U0001f1ef\U0001f1f5")]),
    ("hi", "संसद ने बजट पारित किया। \U0001f1ee\U0001f1f3\U0001f1ee\U0001f1f3",
     [(0, 28, "संसद ने बजट पारित किया। \U0001f1ee\U0001f1f3\U0001f1ee\U0001f1f3")]),
    ("ar", "البرلمان يقر قانون الموازنة؟ #عاجل", [(0, 34, "البرلمان يقر قانون الموازنة؟ #عاجل")]),
    ("ja", "すごい！\U0001f602\U0001f602", [(0, 6, "すごい！\U0001f602\U0001f602")]),
    ("en", "Huge win for workers today!\n\n#strike #solidarity https://t.co/abc",
     [(0, 65, "Huge win for workers today!\n\n#strike #solidarity https://t.co/abc")]),
    ("en", "Huge win for workers today!\n\n#strike\n\nMore tomorrow.",
     [(0, 36, "Huge win for workers today!\n\n#strike"), (38, 52, "More tomorrow.")]),
    ("de", "Der Bundestag hat das Gesetz beschlossen. \U0001f44f\U0001f44f #Heizungsgesetz #Bundestag via @tagesschau",
     [(0, 87, "Der Bundestag hat das Gesetz beschlossen. \U0001f44f\U0001f44f #Heizungsgesetz #Bundestag via @tagesschau")]),
    ("de", "Der Bundestag hat das Gesetz beschlossen.\nvia @tagesschau",
     [(0, 57, "Der Bundestag hat das Gesetz beschlossen.\nvia @tagesschau")]),
    ("en", "Thread on the budget vote. (1/3)", [(0, 32, "Thread on the budget vote. (1/3)")]),
    ("en", "Tech stocks fell sharply today. $AAPL $TSLA", [(0, 43, "Tech stocks fell sharply today. $AAPL $TSLA")]),
    ("en", "#strike #solidarity https://t.co/abc", [(0, 36, "#strike #solidarity https://t.co/abc")]),
    ("en", "Costs rose to $5. Via the index it rose.", [(0, 17, "Costs rose to $5."), (18, 40, "Via the index it rose.")]),
    # an abbreviation before a number, or a number before a word in lower case, inside an open bracket: no new sentence (issue 26 second retest, 1)
    ('de', 'Der Unfall ereignete sich vor dem Haus Bahnhofstr. 12 in Neustadt.',
     [(0, 66, 'Der Unfall ereignete sich vor dem Haus Bahnhofstr. 12 in Neustadt.')]),
    ('de', 'Er wohnt in der Goethestr. 7. Dort wurde er festgenommen.',
     [(0, 29, 'Er wohnt in der Goethestr. 7.'), (30, 57, 'Dort wurde er festgenommen.')]),
    ('de', 'Die Firma (gegr. 1850) beschäftigt 200 Leute.',
     [(0, 45, 'Die Firma (gegr. 1850) beschäftigt 200 Leute.')]),
    ('de', 'Der Pkw (Kennz. 3 B 123) wurde sichergestellt.',
     [(0, 46, 'Der Pkw (Kennz. 3 B 123) wurde sichergestellt.')]),
    ('cs', 'Podle odst. 3 zákona je to zakázáno.',
     [(0, 36, 'Podle odst. 3 zákona je to zakázáno.')]),
    ('fi', 'Yhtiö (perust. 1920) työllistää 300 ihmistä.',
     [(0, 44, 'Yhtiö (perust. 1920) työllistää 300 ihmistä.')]),
    # a date that opens a Bulgarian sentence goes on; one after a word in lower case ends it (retest 2, finding 2)
    ('bg', 'През 2023 г. България прие нов закон.',
     [(0, 37, 'През 2023 г. България прие нов закон.')]),
    ('bg', 'На 15 март 2024 г. Народното събрание прие закона.',
     [(0, 50, 'На 15 март 2024 г. Народното събрание прие закона.')]),
    ('bg', 'От 1 юли 2024 г. НАП започва проверки.',
     [(0, 38, 'От 1 юли 2024 г. НАП започва проверки.')]),
    ('bg', 'В 10 ч. Министерският съвет се събра.',
     [(0, 37, 'В 10 ч. Министерският съвет се събра.')]),
    ('bg', 'Законът беше приет през 2023 г. Опозицията протестира.',
     [(0, 31, 'Законът беше приет през 2023 г.'), (32, 54, 'Опозицията протестира.')]),
    ('bg', 'Продадоха Пампорово за $ 11 млн. Католиците протестираха.',
     [(0, 32, 'Продадоха Пампорово за $ 11 млн.'), (33, 57, 'Католиците протестираха.')]),
    # the dollar's country goes on from its unit (retest 2, finding 3)
    ('ru', 'Компания потратила около 5 млн долл. США на рекламу.',
     [(0, 52, 'Компания потратила около 5 млн долл. США на рекламу.')]),
    ('uk', 'Україна отримала 4,5 млрд дол. США від ЄС.',
     [(0, 42, 'Україна отримала 4,5 млрд дол. США від ЄС.')]),
    ('ru', 'Компания потратила около 5 млн руб. Виновных нет.',
     [(0, 35, 'Компания потратила около 5 млн руб.'), (36, 49, 'Виновных нет.')]),
    # a decimal with a full-width stop stays whole; a numbered item after 。 keeps its number (retest 2, finding 4)
    ('ja', '気温は３８．５度に達した。',
     [(0, 13, '気温は３８．５度に達した。')]),
    ('ja', 'Ｍ６．５の地震があった。年率２．１％の成長。',
     [(0, 12, 'Ｍ６．５の地震があった。'), (12, 22, '年率２．１％の成長。')]),
    ('zh', '增长率为５．２％。',
     [(0, 9, '增长率为５．２％。')]),
    ('zh', '1．加强监管。2．扩大开放。',
     [(0, 7, '1．加强监管。'), (7, 14, '2．扩大开放。')]),
    # an acronym in capitals, or one Italian writes with one capital, ends a sentence before a capital; so do the words that end a list; трлн is a unit (retest 2, finding 8)
    ('it', "Lo ha detto il segretario della NATO. Il governo tace. Lo conferma l'Istat. Cresce il PIL. Lo dice la CGIL. Nessuno risponde.",
     [(0, 37, 'Lo ha detto il segretario della NATO.'), (38, 54, 'Il governo tace.'), (55, 75, "Lo conferma l'Istat."), (76, 90, 'Cresce il PIL.'), (91, 107, 'Lo dice la CGIL.'), (108, 125, 'Nessuno risponde.')]),
    ('it', "Il viaggio negli Usa. Poi la visita all'Onu. Infine la Bce. Anche il Pd. Tutto in una settimana.",
     [(0, 21, 'Il viaggio negli Usa.'), (22, 44, "Poi la visita all'Onu."), (45, 59, 'Infine la Bce.'), (60, 72, 'Anche il Pd.'), (73, 96, 'Tutto in una settimana.')]),
    ('es', 'Lo dijo el portavoz del PP. El partido recurrirá la ley.',
     [(0, 27, 'Lo dijo el portavoz del PP.'), (28, 56, 'El partido recurrirá la ley.')]),
    ('es', 'Viajó a los EE. UU. con su familia.',
     [(0, 35, 'Viajó a los EE. UU. con su familia.')]),
    ('ru', 'Подорожали мука, сахар и т. д. Правительство молчит. Подорожало всё: хлеб, молоко и т.п. Цены растут.',
     [(0, 30, 'Подорожали мука, сахар и т. д.'), (31, 52, 'Правительство молчит.'), (53, 88, 'Подорожало всё: хлеб, молоко и т.п.'), (89, 101, 'Цены растут.')]),
    ('uk', 'Подорожчали борошно, цукор і т. ін. Уряд мовчить.',
     [(0, 35, 'Подорожчали борошно, цукор і т. ін.'), (36, 49, 'Уряд мовчить.')]),
    ('bg', 'Поскъпнаха брашно, захар и др. Правителството мълчи.',
     [(0, 30, 'Поскъпнаха брашно, захар и др.'), (31, 52, 'Правителството мълчи.')]),
    ('el', 'Αυξήθηκαν τα τρόφιμα, τα καύσιμα κ.λπ. Η κυβέρνηση σιωπά.',
     [(0, 38, 'Αυξήθηκαν τα τρόφιμα, τα καύσιμα κ.λπ.'), (39, 57, 'Η κυβέρνηση σιωπά.')]),
    ('de', 'Es gab Brot, Milch u.v.m. Die Regierung schweigt.',
     [(0, 25, 'Es gab Brot, Milch u.v.m.'), (26, 49, 'Die Regierung schweigt.')]),
    ('ru', 'Долг вырос до 2,2 трлн руб. Это рекорд.',
     [(0, 27, 'Долг вырос до 2,2 трлн руб.'), (28, 39, 'Это рекорд.')]),
    ('uk', 'Борг становить понад 2,2 трлн грн. Це рекорд.',
     [(0, 34, 'Борг становить понад 2,2 трлн грн.'), (35, 45, 'Це рекорд.')]),
    # a text of unknown language is cut by the rules of its script's language: Russian's for Cyrillic (retest 2, finding 9)
    (None, 'Кремль: Проф. Иванов задержан.',
     [(0, 30, 'Кремль: Проф. Иванов задержан.')]),
    (None, 'Gov. Smith spoke. The hall was silent.',
     [(0, 17, 'Gov. Smith spoke.'), (18, 38, 'The hall was silent.')]),
    # an abbreviation before a word in lower case, a title before a name (retest 2, finding 7)
    ('ru', 'Об этом сообщил зам. министра финансов. Его назначил ген. директор компании.',
     [(0, 39, 'Об этом сообщил зам. министра финансов.'), (40, 76, 'Его назначил ген. директор компании.')]),
    ('ru', 'Он сказал, что т.е. ничего не изменится.',
     [(0, 40, 'Он сказал, что т.е. ничего не изменится.')]),
    ('uk', 'Про це повідомив заст. міністра фінансів.',
     [(0, 41, 'Про це повідомив заст. міністра фінансів.')]),
    ('tr', 'Fiyatlar şeker vb. ürünlere yansıdı. Kaza Atatürk Cad. üzerinde oldu. Av. Mehmet Demir açıklama yaptı.',
     [(0, 36, 'Fiyatlar şeker vb. ürünlere yansıdı.'), (37, 69, 'Kaza Atatürk Cad. üzerinde oldu.'), (70, 102, 'Av. Mehmet Demir açıklama yaptı.')]),
    ('pt', 'O acidente ocorreu na Av. da Liberdade ontem.',
     [(0, 45, 'O acidente ocorreu na Av. da Liberdade ontem.')]),
    ('it', "La S.p.A. ha chiuso il bilancio. L'on. Bianchi ha parlato.",
     [(0, 32, 'La S.p.A. ha chiuso il bilancio.'), (33, 58, "L'on. Bianchi ha parlato.")]),
    ('fr', 'Il est arrivé le 3 nov. à Paris. Il est né le 1er janv. 1960 à Lyon.',
     [(0, 32, 'Il est arrivé le 3 nov. à Paris.'), (33, 68, 'Il est né le 1er janv. 1960 à Lyon.')]),
    ('el', 'Το έργο κοστίζει 2,5 δισ. ευρώ.',
     [(0, 31, 'Το έργο κοστίζει 2,5 δισ. ευρώ.')]),
    ('pl', 'Spotkanie odbyło się 12 paź. br. w Warszawie.',
     [(0, 45, 'Spotkanie odbyło się 12 paź. br. w Warszawie.')]),
]


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{c[1][:24]}" for c in CASES])
def test_sentences_as_written(language, text, expected):
    assert sentences(text, language) == expected


def test_english_rules_do_not_fire_on_other_languages():
    from annotator.segment.rules import language

    english_only = {"number_words", "clock_times", "speaker_after_quote", "split_opening_quote"}
    assert english_only <= language("en").rules and "Gov" in language("en").titles
    for code in ("de", "fr", "ru", "zh", "pt-BR", "xx"):
        assert not english_only & language(code).rules and "Gov" not in language(code).titles, code
    assert [s for *_, s in sentences("Elle a parlé à M. Winterkorn hier. Il est parti.", "fr")] == [
        "Elle a parlé à M. Winterkorn hier.", "Il est parti."]
    # English news splits a quote of several sentences that opens a sentence; Slovak keeps it whole
    assert [s for *_, s in sentences('"Prices rose. Nobody expected it," he said.', "en")] == [
        '"Prices rose.', 'Nobody expected it," he said.']
    assert [s for *_, s in sentences("„Ceny stúpli. Nikto to nečakal,“ povedal.", "sk")] == [
        "„Ceny stúpli. Nikto to nečakal,“ povedal."]


WRAPPED = """\
The council voted on Tuesday to close the old bridge over the river to
all traffic from next month, after engineers found cracks in two of its
supporting piers. The mayor said the closure would last at least a year.

Repairs
- new piers
- a new deck

Residents who rely on the bridge to reach the hospital will be offered a
free bus service, the council said in a statement on its website.
"""


def test_a_hard_wrapped_file_gives_the_sentences_of_the_same_text_unwrapped():
    flat = re.sub(r"(?<=\S)\n(?=\S)", " ", WRAPPED)
    flat = flat.replace("Repairs - new piers - a new deck", "Repairs\n- new piers\n- a new deck")
    wrapped = sentences(WRAPPED)
    assert [re.sub(r"\s+", " ", s) for *_, s in wrapped] == [s for *_, s in sentences(flat)] == [
        "The council voted on Tuesday to close the old bridge over the river to all traffic from next month, "
        "after engineers found cracks in two of its supporting piers.",
        "The mayor said the closure would last at least a year.",
        "Repairs", "- new piers", "- a new deck",
        "Residents who rely on the bridge to reach the hospital will be offered a free bus service, the council "
        "said in a statement on its website.",
    ]
    for start, end, sentence in wrapped:
        assert WRAPPED[start:end] == sentence
    # short lines (headings, advert lines) are never joined
    assert [s for *_, s in sentences("Meet Iranian Singles\nIranian Singles\nDate tonight")] == [
        "Meet Iranian Singles", "Iranian Singles", "Date tonight"]


def test_a_line_wrapped_short_of_the_width_is_unwrapped_where_the_next_goes_on_in_lower_case():
    # Reuters-21578's shape: a wire story wrapped by hand, some lines well short of the width
    story = ("BankAmerica Corp is not under\n"
             "pressure to act quickly on its proposed equity offering and\n"
             "would do well to delay it because of the stock's recent poor\n"
             "performance, banking analysts said.\n"
             "    The stock traded around 12, down 1/8, this afternoon,\n"
             "after falling to 11-1/2 earlier this week on the news.\n"
             "Shareholders\n"
             "Meeting set for May\n")
    assert [re.sub(r"\s+", " ", s) for *_, s in sentences(story)] == [
        "BankAmerica Corp is not under pressure to act quickly on its proposed equity offering and would do "
        "well to delay it because of the stock's recent poor performance, banking analysts said.",
        "The stock traded around 12, down 1/8, this afternoon, after falling to 11-1/2 earlier this week on the news.",
        "Shareholders", "Meeting set for May"]


def test_a_runaway_sentence_is_cut_at_its_best_boundary():
    clause = "the committee heard evidence from witnesses, "
    text = (clause * 200).strip()  # 9,000 characters and no full stop
    found = segment(text, "en")
    assert found.runaways == 1
    assert [end - start for start, end in found.spans] == [2969, 2969, 2969, 89]
    for start, end in found.spans:
        assert text[start:end].endswith(",") or end == len(text)
    no_space = "x" * (2 * MAX_SENTENCE + 10)
    assert segment(no_space, "en").spans == [(0, 3000), (3000, 6000), (6000, 6010)]


GOLDEN = json.loads((Path(__file__).parent / "data" / "golden_rules_languages.json").read_text(encoding="utf-8"))


def test_golden_rules_of_22_languages():
    right = {code: sum([s for *_, s in sentences(c["text"], code)] == c["sentences"] for c in cases)
             for code, cases in GOLDEN.items()}
    assert sum(len(cases) for cases in GOLDEN.values()) == 236
    assert sum(right.values()) >= 228
    # every case of these languages, each as pySBD's tests have it (Bulgarian's "150 г. Саргон" is one
    # sentence there, but the news of the BTB treebank end many a sentence with "в 2000 г.")
    for code in ("de", "el", "fr", "hi", "hy", "ja", "zh", "pl", "fa", "mr", "ur", "sk", "it", "ru"):
        assert right[code] == len(GOLDEN[code]), code


DOCUMENTS = {
    "en": ["The council voted to close the old bridge after engineers found cracks in its piers.",
           "Shares in the company fell sharply on Monday after it warned that profits would be lower this year."],
    "de": ["Das Gesetz tritt am 14. März in Kraft, und die Länder müssen noch zustimmen.",
           "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für den Verkehr zu sperren."],
    "fr": ["« Ce n'est pas la fin », a répondu la ministre devant les députés réunis à Paris.",
           "Le conseil municipal a voté mardi la fermeture du vieux pont au-dessus de la rivière."],
    "es": ["El accidente ocurrió en la Avda. Libertad anoche y nadie resultó herido, según la policía.",
           "El gobierno anunció el martes un nuevo plan para reducir el precio de la electricidad."],
    "ru": ["Вчера делегация прибыла в г. Самару, где встретилась с губернатором области.",
           "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны."],
    "zh": ["台风登陆浙江。航班全部取消！当地政府已经启动了紧急预案。",
           "政府周二宣布了一项降低电价的新计划，预计明年开始实施。"],
    "ar": ["أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لخفض أسعار الكهرباء في جميع أنحاء البلاد.",
           "قال وزير الخارجية إن المحادثات ستستمر الأسبوع المقبل في العاصمة."],
    "hi": ["सरकार ने मंगलवार को बिजली की कीमतें कम करने के लिए एक नई योजना की घोषणा की।",
           "बैठक समाप्त हुई और सभी लोग अपने घर चले गए।"],
    "tr": ["Hükümet salı günü elektrik fiyatlarını düşürmek için yeni bir plan açıkladı.",
           "Belediye meclisi eski köprünün trafiğe kapatılmasına karar verdi."],
    "it": ["Il governo ha annunciato martedì un nuovo piano per ridurre il prezzo dell'elettricità.",
           "Il consiglio comunale ha votato la chiusura del vecchio ponte sul fiume."],
}


def test_a_file_of_20_documents_in_10_languages_gets_each_language_right(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps({"id": f"{code}-{n}", "text": text}, ensure_ascii=False) + "\n"
                            for code, texts in DOCUMENTS.items() for n, text in enumerate(texts)), encoding="utf-8")
    db = tmp_path / "a.db"
    assert CliRunner().invoke(main, ["import", str(path), "--db", str(db)]).exit_code == 0
    stored = Store(db).query("SELECT name, language FROM documents ORDER BY id")
    assert stored == [(f"{code}-{n}", code) for code, texts in DOCUMENTS.items() for n in range(len(texts))]
    assert identify("12 345 678 ... !!!") is None


def test_the_language_given_by_the_file_or_the_import_wins(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "given", "text": "The council voted.", "language": "pt-BR"}) + "\n"
        + json.dumps({"id": "short", "text": "The council voted.", "lang": "de"}) + "\n"
        + json.dumps({"id": "found", "text": "Der Stadtrat hat am Dienstag die Brücke gesperrt."}) + "\n",
        encoding="utf-8")
    (tmp_path / "b.html").write_text('<html lang="fr-CA"><head><title>T</title></head><body><article><p>'
                                     + "The council voted to close the bridge after engineers found cracks. " * 3
                                     + "</p></article></body></html>", encoding="utf-8")
    db = tmp_path / "a.db"
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(tmp_path / "a.jsonl"), str(tmp_path / "b.html"), "--db", str(db)]).exit_code == 0
    assert Store(db).query("SELECT name, language FROM documents ORDER BY id") == [
        ("given", "pt"), ("short", "de"), ("found", "de"), ("b.html", "fr")]
    (tmp_path / "c.txt").write_text("Das Gesetz tritt am 14. März in Kraft. Die Länder müssen zustimmen.\n", encoding="utf-8")
    assert runner.invoke(main, ["import", str(tmp_path / "c.txt"), "--db", str(db), "--language", "de-AT"]).exit_code == 0
    store = Store(db)
    assert store.query("SELECT language FROM documents WHERE name = 'c.txt'") == [("de",)]
    assert store.query("SELECT text FROM sentences WHERE doc_id = 5 ORDER BY idx") == [
        ("Das Gesetz tritt am 14. März in Kraft.",), ("Die Länder müssen zustimmen.",)]


def test_a_bad_language_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": "Text.", "language": "not a code"}) + "\n", encoding="utf-8")
    db = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["import", str(tmp_path / "a.txt"), "--db", str(db), "--language", "12"])
    assert result.exit_code == 1
    assert result.output == "Error: --language: '12' is not a language code (such as en, de, pt-BR)\n"
    result = CliRunner().invoke(main, ["import", str(tmp_path / "b.jsonl"), "--db", str(db)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.jsonl'}:1: 'language': 'not a code' is not a language code (such as en, de, pt-BR)" in result.output


def test_the_import_says_how_many_runaway_sentences_it_cut(tmp_path):
    (tmp_path / "a.txt").write_text("x " * 4000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(tmp_path / "a.txt"), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0
    assert "cut 1 runaway sentence (longer than 3,000 characters) into pieces at the best boundaries\n" in result.output


def test_a_version_5_database_gets_the_language_column(tmp_path):
    db = tmp_path / "v5.db"
    (tmp_path / "a.txt").write_text("Ships waited.\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["import", str(tmp_path / "a.txt"), "--db", str(db)]).exit_code == 0
    conn = sqlite3.connect(db)
    conn.executescript("ALTER TABLE documents DROP COLUMN language; UPDATE meta SET value = '5' WHERE key = 'schema_version';")
    conn.commit()
    conn.close()
    store = Store(db)
    assert store.setting("schema_version") == str(SCHEMA_VERSION)
    assert store.query("SELECT name, language FROM documents") == [("a.txt", None)]


def test_the_language_is_a_column_of_every_export_a_filter_and_in_stats_and_sources(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(
        json.dumps({"id": "de1", "text": "Das Gesetz tritt am 14. März in Kraft.", "language": "de", "source": "A"}) + "\n"
        + json.dumps({"id": "en1", "text": "The council voted on Tuesday.", "language": "en", "source": "A"}) + "\n"
        + json.dumps({"id": "en2", "text": "Shares fell on Monday.", "language": "en", "source": "B"}) + "\n",
        encoding="utf-8")
    db = tmp_path / "a.db"
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(path), "--db", str(db)]).exit_code == 0
    store = Store(db)
    for sentence_id, label in store.query("SELECT s.id, 'fact' FROM sentences s ORDER BY s.id"):
        store.add_event(sentence_id, "label", "ann", label)
    store.close()
    out = tmp_path / "gold.jsonl"
    result = runner.invoke(main, ["export", "--out", str(out), "--db", str(db), "--language", "de-DE"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc"], r["text"], r["language"]) for r in rows] == [("de1", "Das Gesetz tritt am 14. März in Kraft.", "de")]
    every = tmp_path / "all.csv"
    assert runner.invoke(main, ["export", "--out", str(every), "--db", str(db), "--mode", "all"]).exit_code == 0
    header, *lines = every.read_text(encoding="utf-8").splitlines()
    assert header.split(",")[-1] == "language" and [line.rsplit(",", 1)[1] for line in lines] == ["de", "en", "en"]
    every_json = tmp_path / "all.jsonl"
    assert runner.invoke(main, ["export", "--out", str(every_json), "--db", str(db), "--mode", "all",
                                "--language", "en"]).exit_code == 0
    assert [json.loads(line)["doc"] for line in every_json.read_text(encoding="utf-8").splitlines()] == ["en1", "en2"]
    result = runner.invoke(main, ["export", "--out", str(out), "--db", str(db), "--language", "?"])
    assert result.exit_code == 1 and result.output == "Error: --language: '?' is not a language code (such as en, de, pt-BR)\n"
    stats = runner.invoke(main, ["stats", "--db", str(db)]).output
    assert "languages   en 2, de 1\n" in stats
    assert json.loads(runner.invoke(main, ["stats", "--json", "--db", str(db)]).output)["languages"] == {"en": 2, "de": 1}
    table = json.loads(runner.invoke(main, ["sources", "--json", "--db", str(db)]).output)
    assert {r["source"]: r["languages"] for r in table} == {"A": {"de": 1, "en": 1}, "B": {"en": 1}}
    assert [d["language"] for d in json.loads(runner.invoke(main, ["sources", "A", "--json", "--db", str(db)]).output)] == ["de", "en"]


def test_identification_answers_iso_639_1_and_trusts_common_words_only_when_clear():
    from annotator.segment.identify import by_common_words

    # a wire table has few words: py3langid's model alone would call it Nigerian Pidgin ("pcm"); no
    # language it may answer is likely enough, so it stays unknown, as made-up words do
    assert identify("Shr 28 cts vs 22 cts\nNet 1,234,000 vs 1,000,000\nRevs 12.3 mln vs 10.1 mln") is None
    assert identify("Kalo mertan visol ra den porli stra quneb orgal mi tor an el cas ver un dra pel sin ho.") is None
    english = "The council said on Tuesday that it would close the bridge to traffic for a year, and that the work was to start in May."
    assert by_common_words(english) == "en" and identify(english) == "en"
    italian = "Il consiglio comunale ha votato la chiusura del vecchio ponte sul fiume e la decisione è stata presa ieri sera da tutti."
    assert by_common_words(italian) is None and identify(italian) == "it"
    assert by_common_words("Too short to tell.") is None


def test_csv_and_parquet_give_the_language_too(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.csv").write_text("id,text,lang\nc1,The council voted.,DE\nc2,Der Stadtrat hat am Dienstag die Brücke gesperrt.,\n",
                                    encoding="utf-8")
    pq.write_table(pa.table({"id": ["p1"], "text": ["The council voted."], "language": ["es-MX"]}), tmp_path / "b.parquet")
    db = tmp_path / "a.db"
    result = CliRunner().invoke(main, ["import", str(tmp_path / "a.csv"), str(tmp_path / "b.parquet"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert Store(db).query("SELECT name, language FROM documents ORDER BY id") == [("c1", "de"), ("c2", "de"), ("p1", "es")]


def test_a_hard_wrapped_file_with_windows_line_ends_is_unwrapped_too():
    crlf = WRAPPED.replace("\n", "\r\n")
    assert [re.sub(r"\s+", " ", s) for *_, s in sentences(crlf)] == [re.sub(r"\s+", " ", s) for *_, s in sentences(WRAPPED)]


# issue 26 retest, 3 and 4: a German article as textwrap and fmt (`fmt -w 44`, `fmt -w 70`) wrap it
ARTICLE = (
    "Der Bundestag hat am Donnerstag das umstrittene Heizungsgesetz beschlossen, das nach dem Willen der "
    "Koalition bereits zum 1. Januar in Kraft treten soll. Nach einer langen und hitzigen Debatte stimmten 399 "
    "Abgeordnete für den Entwurf, 275 dagegen. Bis zum 30. Juni müssen die Kommunen ihre Wärmepläne vorlegen, "
    "danach gelten die neuen Regeln auch für bestehende Gebäude.\n\n"
    "Die Opposition kritisierte u. a. die hohen Kosten für Hausbesitzer und kündigte eine Klage vor dem "
    "Bundesverfassungsgericht an. Nach Angaben des Wirtschaftsministeriums sollen Förderprogramme einen "
    "Großteil der Kosten abfedern. Eine Entscheidung des Bundesrates wird für den 14. März erwartet.\n")
ARTICLE_FMT_44 = """\
Der Bundestag hat am Donnerstag das
umstrittene Heizungsgesetz beschlossen,
das nach dem Willen der Koalition bereits
zum 1. Januar in Kraft treten soll. Nach
einer langen und hitzigen Debatte stimmten
399 Abgeordnete für den Entwurf, 275
dagegen. Bis zum 30. Juni müssen die
Kommunen ihre Wärmepläne vorlegen,
danach gelten die neuen Regeln auch für
bestehende Gebäude.

Die Opposition kritisierte u. a. die
hohen Kosten für Hausbesitzer
und kündigte eine Klage vor dem
Bundesverfassungsgericht an. Nach
Angaben des Wirtschaftsministeriums sollen
Förderprogramme einen Großteil der Kosten
abfedern. Eine Entscheidung des Bundesrates
wird für den 14. März erwartet.
"""
ARTICLE_FMT_70 = """\
Der Bundestag hat am Donnerstag das umstrittene Heizungsgesetz
beschlossen, das nach dem Willen der Koalition bereits zum 1. Januar
in Kraft treten soll. Nach einer langen und hitzigen Debatte
stimmten 399 Abgeordnete für den Entwurf, 275 dagegen. Bis zum
30. Juni müssen die Kommunen ihre Wärmepläne vorlegen, danach
gelten die neuen Regeln auch für bestehende Gebäude.

Die Opposition kritisierte u. a. die hohen Kosten für Hausbesitzer
und kündigte eine Klage vor dem Bundesverfassungsgericht an. Nach
Angaben des Wirtschaftsministeriums sollen Förderprogramme einen
Großteil der Kosten abfedern. Eine Entscheidung des Bundesrates
wird für den 14. März erwartet.
"""


def _filled(text: str, width: int) -> str:
    import textwrap

    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in text.strip().split("\n\n")) + "\n"


@pytest.mark.parametrize("wrapped", [_filled(ARTICLE, 43), _filled(ARTICLE, 56), _filled(ARTICLE, 65),
                                     _filled(ARTICLE, 86), _filled(ARTICLE, 96), ARTICLE_FMT_44, ARTICLE_FMT_70],
                         ids=["textwrap-43", "textwrap-56", "textwrap-65", "textwrap-86", "textwrap-96", "fmt-44", "fmt-70"])
def test_a_wrapped_line_that_opens_with_a_date_or_stops_short_is_unwrapped(wrapped):
    # "1. Januar", "30. Juni", "14. März" opening a line after one that ends no sentence go on from it (no
    # list item), and fmt's ragged lines ("Nach" / "Angaben", "Bis zum" / "30. Juni") are unwrapped too
    found = sentences(wrapped, "de")
    assert [re.sub(r"\s+", " ", s) for *_, s in found] == [s for *_, s in sentences(ARTICLE, "de")] == [
        "Der Bundestag hat am Donnerstag das umstrittene Heizungsgesetz beschlossen, das nach dem Willen der "
        "Koalition bereits zum 1. Januar in Kraft treten soll.",
        "Nach einer langen und hitzigen Debatte stimmten 399 Abgeordnete für den Entwurf, 275 dagegen.",
        "Bis zum 30. Juni müssen die Kommunen ihre Wärmepläne vorlegen, danach gelten die neuen Regeln auch für "
        "bestehende Gebäude.",
        "Die Opposition kritisierte u. a. die hohen Kosten für Hausbesitzer und kündigte eine Klage vor dem "
        "Bundesverfassungsgericht an.",
        "Nach Angaben des Wirtschaftsministeriums sollen Förderprogramme einen Großteil der Kosten abfedern.",
        "Eine Entscheidung des Bundesrates wird für den 14. März erwartet."]
    for start, end, sentence in found:
        assert wrapped[start:end] == sentence


def test_a_record_of_two_or_three_wrapped_lines_is_unwrapped():
    # a JSON Lines record's text filled at 72 columns (textwrap.fill), and a line that opens with "u. a."
    assert sentences("The city council closed the old bridge over the river on Tuesday after\n"
                     "engineers found cracks in two of its main supports.") == [
        (0, 122, "The city council closed the old bridge over the river on Tuesday after\n"
                 "engineers found cracks in two of its main supports.")]
    assert sentences("Die Abstimmung im Bundesrat über das neue Heizungsgesetz, die jetzt für\n"
                     "den 14. März erwartet wird, gilt als offen.", "de") == [
        (0, 115, "Die Abstimmung im Bundesrat über das neue Heizungsgesetz, die jetzt für\n"
                 "den 14. März erwartet wird, gilt als offen.")]
    assert sentences("Die Regierung hat den Haushalt für das kommende Jahr beschlossen. Die\n"
                     "Opposition im Landtag kritisiert in einer Erklärung vom Dienstag\n"
                     "u. a. die hohen Ausgaben.", "de") == [
        (0, 65, "Die Regierung hat den Haushalt für das kommende Jahr beschlossen."),
        (66, 160, "Die\nOpposition im Landtag kritisiert in einer Erklärung vom Dienstag\nu. a. die hohen Ausgaben.")]
    # a short heading and its line, a complete line and a list, numbered items in sequence stay apart
    assert [s for *_, s in sentences("Council votes to close the bridge\nThe council voted on Tuesday.")] == [
        "Council votes to close the bridge", "The council voted on Tuesday."]
    assert [s for *_, s in sentences("Die Kommission schlägt für das kommende Jahr drei Maßnahmen vor:\n"
                                     "1. Die Steuern auf Heizöl steigen um zehn Prozent.\n"
                                     "2. Die Förderung für Wärmepumpen wird verdoppelt.", "de")] == [
        "Die Kommission schlägt für das kommende Jahr drei Maßnahmen vor:",
        "1. Die Steuern auf Heizöl steigen um zehn Prozent.", "2. Die Förderung für Wärmepumpen wird verdoppelt."]
    items = ("1. Reduce the speed limit on all roads near the schools of the city to twenty\n"
             "2. Build new cycle lanes along the river and across the old bridge to the station\n"
             "3. Plant trees")
    assert [s for *_, s in sentences("The council will vote on these measures in its next session in May.\n\n" + items)][1:] == [
        "1. Reduce the speed limit on all roads near the schools of the city to twenty",
        "2. Build new cycle lanes along the river and across the old bridge to the station", "3. Plant trees"]


def test_one_long_line_does_not_switch_unwrapping_off():
    # a 185-character source line added to a file wrapped at 72 columns is set aside when the width is taken
    source = "Source: https://www.example.org/news/2024/03/14/" + "regional-government-budget-" * 5 + "xy"
    text = WRAPPED + "The regional government has not\ncommented.\n" + source + "\n"
    assert len(source) == 185
    found = sentences(text)
    assert [re.sub(r"\s+", " ", s) for *_, s in found] == [
        re.sub(r"\s+", " ", s) for *_, s in sentences(WRAPPED)] + ["The regional government has not commented.", source]
    assert found[-2:] == [(390, 432, "The regional government has not\ncommented."), (433, 618, source)]
    # a file of paragraphs a line, one wider than any wrap width, is no wrapped file
    assert [s for *_, s in sentences("Council votes to close the old bridge\n" + "The council voted. " * 9 + "\nIt did.")] == [
        "Council votes to close the old bridge"] + ["The council voted."] * 9 + ["It did."]
