# Create an OTP for an address and "send" it (the log provider writes the message to the server log).
# The response carries the code in data.otp; keep it in CODE (node is here anyway, no jq needed):
CODE=$(curl -s -u dev:dev-secret -X PUT -d "to=john@example.com&provider=log" \
  http://localhost:9000/api/otp/uniqueIDForJohnDoe | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data.otp')

# Verify it as the user would, with the code they received:
curl -s -u dev:dev-secret -X POST -d "otp=$CODE" http://localhost:9000/api/otp/uniqueIDForJohnDoe
# → {"status":"success","data":{"namespace":"dev","id":"uniqueIDForJohnDoe",…,"closed":true,…}}
