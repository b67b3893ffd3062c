curl -u myApp:9f2c4e1b7a5d3e8c -X POST http://gateway:9000/api/otp/4f9c2e1a-email-john/status
# 200 with "closed": true → verified.  400 "OTP not verified." → not (yet).
# DELETE …/status answers the same and deletes the record: a one-shot confirmation.
