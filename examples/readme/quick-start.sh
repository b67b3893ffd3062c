# Your backend creates an OTP, and the gateway sends the code to the user's phone.
# Here the outbox provider stands in for an SMS gateway: it keeps the message instead of sending it.
curl -s -u dev:dev-secret -X PUT -d provider=outbox --data-urlencode to=+14155552671 \
  http://localhost:9000/api/otp/uniqueIDForJohnDoe > /dev/null

# The user reads the code on their phone; here, from the outbox (wait=10: until the message is there).
CODE=$(curl -s -u dev:dev-secret "http://localhost:9000/api/outbox?id=uniqueIDForJohnDoe&limit=1&wait=10" \
  | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data[0].otp')

# The user types it; your backend verifies it:
curl -s -u dev:dev-secret -X POST -d "otp=$CODE" http://localhost:9000/api/otp/uniqueIDForJohnDoe
# → {"status":"success","data":{"namespace":"dev","id":"uniqueIDForJohnDoe",…,"closed":true,…}}
