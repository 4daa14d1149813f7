-- A neutralized copy must never exchange EDI files with Amazon using production secrets.
UPDATE acorn_vc_account
   SET edi_sftp_password = NULL,
       edi_sftp_private_key = NULL,
       edi_as2_private_key = NULL,
       edi_soap_password = NULL;
