-- A neutralized copy must never talk to Amazon with production credentials.
UPDATE acorn_vc_account
   SET lwa_client_secret = NULL,
       lwa_refresh_token = NULL,
       connection_state = 'untested',
       connection_message = NULL;
