import QtQuick

// Bottom bar: back on the left, the main action on the right.
Item {
    id: nav
    property bool showBack: true
    property string nextText: ""
    property bool nextEnabled: true
    signal back()
    signal next()
    implicitHeight: Math.max(units.mm(22), backBtn.implicitHeight, nextBtn.implicitHeight)
    KButton {
        id: backBtn
        objectName: "backButton"
        visible: nav.showBack
        anchors.left: parent.left
        anchors.verticalCenter: parent.verticalCenter
        text: i18n.t.nav_back
        kind: "secondary"
        onClicked: nav.back()
    }
    KButton {
        id: nextBtn
        objectName: "nextButton"
        visible: nav.nextText.length > 0
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        text: nav.nextText
        enabledState: nav.nextEnabled
        onClicked: nav.next()
    }
}
