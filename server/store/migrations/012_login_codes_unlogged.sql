-- login_codes holds five minutes of bookkeeping that WeChat backs up: a code is single-use at
-- WeChat, so a claim or outcome lost in a database crash only means that a retry of that code
-- hears "code used" and the client takes a fresh one. Unlogged, a claim costs no WAL and its
-- commit waits for no disk flush (the table is emptied after a crash, and is not replicated).

ALTER TABLE login_codes SET UNLOGGED;
